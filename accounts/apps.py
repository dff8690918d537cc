from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("People and roles")

    def ready(self):
        from . import roles, signals  # noqa: F401

        # Permissions exist only after every app has migrated, so role grants are synced then.
        post_migrate.connect(roles.sync_role_permissions, dispatch_uid="accounts.sync_roles")
