"""Reads of items and BOMs. Each list page costs a fixed number of queries whatever the number of
rows; an explosion costs two queries whatever the depth and width of the BOMs."""

from collections import defaultdict
from decimal import Decimal

from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.shortcuts import get_object_or_404

from .bom_structure import LineData, explode
from .filters import ItemFilter
from .models import BillOfMaterials, BOMLine, Item


def _active_bom(field):
    return Subquery(BillOfMaterials.objects.filter(parent=OuterRef("pk"), is_active=True).values(field)[:1])


def item_list(user, filters=None):
    """`filters`: the list's query (request.GET) or a dict of the same names; see inventory.filters."""
    if not user.has_perm("inventory.view_item"):
        return Item.objects.none()
    qs = Item.objects.select_related("product").annotate(bom_version=_active_bom("version"))
    return ItemFilter(filters or {}, qs).qs


def item_detail(user, pk):
    qs = Item.objects.select_related("product") if user.has_perm("inventory.view_item") else Item.objects.none()
    return get_object_or_404(qs, pk=pk)


def active_bom(item):
    """The item's active BOM with its lines and their components, or None."""
    lines = Prefetch("lines", queryset=BOMLine.objects.select_related("component").order_by("position"))
    return BillOfMaterials.objects.filter(parent=item, is_active=True).prefetch_related(lines).first()


def bom_versions(item):
    return list(BillOfMaterials.objects.filter(parent=item).select_related("created_by")
                .annotate(entry_count=Count("lines")).order_by("-version"))


def bom_version(user, item, pk):
    """One version of the item's BOM with its lines (404 for users who may not see BOMs)."""
    if not user.has_perm("inventory.view_billofmaterials"):
        qs = BillOfMaterials.objects.none()
    else:
        lines = Prefetch("lines", queryset=BOMLine.objects.select_related("component").order_by("position"))
        qs = BillOfMaterials.objects.filter(parent=item).prefetch_related(lines)
    return get_object_or_404(qs, pk=pk)


def where_used(item):
    """The items whose active BOM has `item` as a component, by code."""
    return list(Item.objects.filter(boms__is_active=True, boms__lines__component=item).order_by("code").distinct())


def explosion(item, quantity=Decimal("1")):
    """The multi-level requirements of `quantity` of `item` (inventory.bom_structure.explode), from all
    active BOM lines loaded at once and the items they reach. Raises BomCycleError on a loop."""
    lines_by_parent = defaultdict(list)
    rows = BOMLine.objects.filter(bom__is_active=True).order_by("bom__parent_id", "position").values_list(
        "bom__parent_id", "component_id", "quantity", "scrap_percent")
    for parent_id, component_id, qty, scrap in rows:
        lines_by_parent[parent_id].append(LineData(component_id=component_id, quantity=qty, scrap_percent=scrap))
    reached, todo = set(), [item.pk]
    while todo:
        pk = todo.pop()
        for line in lines_by_parent.get(pk, ()):
            if line.component_id not in reached:
                reached.add(line.component_id)
                todo.append(line.component_id)
    items_by_id = {i.pk: i for i in Item.objects.filter(pk__in=reached)}
    items_by_id.setdefault(item.pk, item)
    return explode(item, quantity, lines_by_parent=lines_by_parent, items_by_id=items_by_id)


def item_search(q, limit=20):
    """Active items whose code, name or specification contains `q`, for the component search list."""
    q = (q or "").split(" — ", 1)[0].strip()
    qs = Item.objects.filter(is_active=True)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(specification__icontains=q))
    return qs.order_by("code")[:limit]


def bom_to_activate(item, version: str):
    """The version of the item's BOM a page asks to make active again (404 for any other)."""
    return get_object_or_404(BillOfMaterials, parent=item, pk=int(version) if version.isdigit() else 0)
