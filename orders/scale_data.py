"""Scale data for the benchmarks: `manage.py seed_demo --orders N` (bench/run.py seeds its database with it).

`generate_orders(count)` inserts large data sets fast (one COPY per table on PostgreSQL, bulk_create
elsewhere, in batches): orders with lines and with the event chain their status implies, numbered
from the same SO counters the numbering service uses, so later real orders never collide with generated
ones. It shares the demo catalog, role users and step times with the
demo data set (orders.demo_data) and adds generated customers and products for volume.

Not reachable from the web interface; the management command refuses to run on a non-DEBUG site
unless forced.

The states are written directly, with the events that lead to them but without the stages' records
(inspections, shipments) that the order's transitions past QC require as conditions (orders.stage_hooks):
a bulk loader for benchmarks, not a service path. The demo data set takes every step through the services.
"""

import enum
import io
import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from numbering import series
from numbering.services import formatted, take

from . import tallies
from .demo_data import (
    ACTION_GAP_HOURS,
    ACTION_ROLES,
    CANCEL_REASONS,
    DEMO_EMAIL_DOMAIN,
    FAIL_QC_REASONS,
    HOLD_REASONS,
    MAIN_PATH,
    PRODUCTS,
    REJECT_REASONS,
    RUSH_REASONS,
    TARGET,
    ensure_catalog,
    ensure_role_users,
    lead_days_for,
    price_for,
    quantity_for,
)
from .models import (
    Channel,
    Customer,
    Order,
    OrderEvent,
    OrderLine,
    OrderStatus,
    PaymentTerms,
    Priority,
    Product,
    Unit,
    line_amount,
    search_words,
)
from .search import cjk_bigrams

S = OrderStatus
D = Decimal


def ensure_scale_catalog(*, extra_customers=0, extra_products=0, rng=None):
    """The demo catalog plus `extra_*` generated customers and products. Returns (customers, products)
    as lists of what may be ordered."""
    ensure_catalog()
    rng = rng or random.Random(7)
    if extra_customers:
        _bulk_extra_customers(extra_customers, rng)
    if extra_products:
        _bulk_extra_products(extra_products, rng)
    return (list(Customer.objects.filter(is_active=True).order_by("code")),
            list(Product.objects.filter(is_active=True).order_by("sku")))


_CITIES = [("深圳", "Shenzhen", "0755"), ("广州", "Guangzhou", "020"), ("上海", "Shanghai", "021"),
           ("北京", "Beijing", "010"), ("杭州", "Hangzhou", "0571"), ("成都", "Chengdu", "028"),
           ("武汉", "Wuhan", "027"), ("南京", "Nanjing", "025"), ("苏州", "Suzhou", "0512"),
           ("厦门", "Xiamen", "0592"), ("青岛", "Qingdao", "0532"), ("天津", "Tianjin", "022"),
           ("重庆", "Chongqing", "023"), ("长沙", "Changsha", "0731"), ("郑州", "Zhengzhou", "0371"),
           ("西安", "Xi'an", "029"), ("合肥", "Hefei", "0551"), ("福州", "Fuzhou", "0591")]
_BRANDS = [("华美", "Huamei"), ("宏达", "Hongda"), ("金源", "Jinyuan"), ("恒信", "Hengxin"), ("瑞丰", "Ruifeng"),
           ("鑫盛", "Xinsheng"), ("永安", "Yong'an"), ("德润", "Derun"), ("佳洁", "Jiajie"), ("安康", "Ankang"),
           ("新源", "Xinyuan"), ("东方", "Dongfang"), ("海纳", "Haina"), ("联众", "Lianzhong"), ("博远", "Boyuan")]
_TRADES = [("酒店管理有限公司", "Hotel Management Co., Ltd."), ("物业服务有限公司", "Property Services Co., Ltd."),
           ("商贸有限公司", "Trading Co., Ltd."), ("超市连锁有限公司", "Supermarket Chain Co., Ltd."),
           ("餐饮管理有限公司", "Catering Management Co., Ltd."), ("清洁服务有限公司", "Cleaning Services Co., Ltd."),
           ("医疗后勤服务有限公司", "Hospital Logistics Co., Ltd."), ("日化经销部", "Daily Chemicals Distributor")]
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
_GIVEN = ["伟", "芳", "娜", "敏", "静", "磊", "强", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚",
          "建华", "晓东", "丽娟", "海燕", "志强", "雪梅", "国庆", "春花"]


def _bulk_extra_customers(count, rng):
    existing = set(Customer.objects.filter(code__startswith="C1").values_list("code", flat=True))
    new = []
    for i in range(1, count + 1):
        code = f"C{1000 + i}"
        if code in existing:
            continue
        city, city_en, area = rng.choice(_CITIES)
        brand, brand_en = rng.choice(_BRANDS)
        trade, trade_en = rng.choice(_TRADES)
        new.append(Customer(
            code=code, name=f"{city}市{brand}{trade}", name_en=f"{city_en} {brand_en} {trade_en}",
            contact_name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
            contact_phone=f"{area}-{rng.randint(5000, 8999)} {rng.randint(1000, 9999)}",
            contact_email=f"purchasing@{code.lower()}.{DEMO_EMAIL_DOMAIN}",
            billing_address=f"{city}市{rng.choice(['中山路', '人民路', '解放路', '建设路', '和平路'])} "
                            f"{rng.randint(1, 999)} 号",
            credit_limit=Decimal(rng.choice([0, 50000, 100000, 200000, 500000])),
            payment_terms=rng.choice([PaymentTerms.NET30, PaymentTerms.NET60, PaymentTerms.MONTHLY]),
        ))
    for c in new:
        c.shipping_address = c.billing_address
    Customer.objects.bulk_create(new, batch_size=1000)


_SCENTS = [("LEM", "柠檬"), ("LAV", "薰衣草"), ("JAS", "茉莉"), ("OCN", "海洋"), ("FRE", "无香"), ("TEA", "绿茶")]
_SIZES = [("500", "500 ml/瓶，24 瓶/箱", Unit.PCS, D("1")), ("2L", "2 L/瓶，6 瓶/箱", Unit.PCS, D("3.2")),
          ("5L", "5 L/桶，4 桶/箱", Unit.PCS, D("7")), ("BOX", "整箱 24 瓶", Unit.BOX, D("20")),
          ("BULK", "散装，按公斤计", Unit.KG, D("0.8"))]


def _bulk_extra_products(count, rng):
    bases = [p for p in PRODUCTS if p.is_active and p.unit == Unit.PCS]
    existing = set(Product.objects.filter(sku__startswith="X-").values_list("sku", flat=True))
    new = []
    for i in range(1, count + 1):
        base = bases[i % len(bases)]
        scent, scent_name = _SCENTS[(i // len(bases)) % len(_SCENTS)]
        size, spec, unit, factor = _SIZES[(i // (len(bases) * len(_SCENTS))) % len(_SIZES)]
        sku = f"X-{base.sku.split('-')[0]}-{scent}-{size}-{i:04d}"
        if sku in existing:
            continue
        new.append(Product(
            sku=sku, name=f"{scent_name}{base.name}", specification=spec, unit=unit,
            standard_lead_time_days=min(30, base.lead_days + rng.randint(0, 7)),
            list_price=(base.price * factor / D("3")).quantize(D("0.01")) or D("1.00"),
        ))
    Product.objects.bulk_create(new, batch_size=1000)


# --- scale data for benchmarks ----------------------------------------------------------------

@dataclass
class _PlannedOrder:
    created_at: object
    customer: Customer
    products: list
    rush: bool
    events: list = field(default_factory=list)  # (action, from, to, at, note)
    status: str = S.DRAFT
    held_from: str = ""


def _simulate(rng, created_at, now, products):
    """Walk one order along the state machine with realistic step times until `now`: the status it
    has today and the events it would have written on the way there."""
    plan = _PlannedOrder(created_at=created_at, customer=None, products=products, rush=rng.random() < 0.08)
    plan.events.append(("created", "", S.DRAFT, created_at, ""))
    at = created_at
    status = S.DRAFT

    def step(action, note=""):
        nonlocal at, status
        nxt = at + timedelta(hours=rng.uniform(*ACTION_GAP_HOURS[action]))
        if nxt > now:
            return False
        target = TARGET[action] if action != "resume" else plan.held_from
        plan.events.append((action, status, target, nxt, note))
        if action == "hold":
            plan.held_from = status
        elif action == "resume":
            plan.held_from = ""
        at, status = nxt, target
        return True

    def finish():
        plan.status = status
        return plan

    roll = rng.random()
    if roll < 0.01:  # abandoned draft
        return finish()
    if roll < 0.02:
        step("cancel", rng.choice(CANCEL_REASONS))
        return finish()
    if not step("submit"):
        return finish()
    if rng.random() < 0.05:
        if not step("reject", rng.choice(REJECT_REASONS)):
            return finish()
        fate = rng.random()
        if fate < 0.3:
            return finish()
        if fate < 0.5:
            step("cancel", rng.choice(CANCEL_REASONS))
            return finish()
        if not step("submit"):
            return finish()
    hold_at = rng.choice(MAIN_PATH[1:8]) if rng.random() < 0.04 else None
    for action in MAIN_PATH[1:]:
        if action == "release_plan" and rng.random() < 0.015:
            step("cancel", rng.choice(CANCEL_REASONS))
            return finish()
        if not step(action):
            return finish()
        if action == hold_at:
            # A quarter of the holds are parked for good (waiting on the customer), the rest resume.
            if not step("hold", rng.choice(HOLD_REASONS)) or rng.random() < 0.25 or not step("resume"):
                return finish()
        if action == "finish_production" and rng.random() < 0.04:
            if not step("fail_qc", rng.choice(FAIL_QC_REASONS)) or not step("finish_production"):
                return finish()
    return finish()


@dataclass
class ScaleResult:
    orders: int = 0
    lines: int = 0
    events: int = 0
    by_status: dict = field(default_factory=dict)


def generate_orders(count, *, lines_per_order=None, batch_size=2000, days=365, rng_seed=None, now=None,
                    progress=None):
    """Insert `count` orders created over the last `days` days, with lines (1–6, about 3 on average,
    or exactly `lines_per_order`) and the event chain of their status, in batches of `batch_size`.
    Numbers come from the SO series of each creation year. `progress(done, total)` is called after
    each batch."""
    rng = random.Random(rng_seed)
    now = now or timezone.now()
    users = ensure_role_users()
    customers, products = ensure_scale_catalog(extra_customers=min(2000, count // 100),
                                               extra_products=min(500, count // 500), rng=rng)
    actor_ids = {action: users[role].pk for action, role in ACTION_ROLES.items()}
    # Recent months are busier than a year ago (the business grows): weight creation times.
    created = sorted(now - timedelta(seconds=days * 86400 * (1 - rng.random() ** 0.8)) for _i in range(count))
    result = ScaleResult()
    line_counts = [1, 2, 2, 3, 3, 3, 4, 4, 5, 6]
    for start in range(0, count, batch_size):
        batch_times = created[start:start + batch_size]
        plans = []
        for at in batch_times:
            k = lines_per_order or rng.choice(line_counts)
            chosen = rng.sample(products, k) if k <= len(products) else rng.choices(products, k=k)
            plan = _simulate(rng, at, now, chosen)
            plan.customer = rng.choice(customers)
            plans.append(plan)
        _insert_batch(plans, rng=rng, actor_ids=actor_ids, sales_id=users["sales"].pk, result=result)
        if progress:
            progress(min(start + batch_size, count), count)
    tallies.reconcile(fix=True)  # the COPY bypassed Order.save(): count the new orders into the tallies
    if connection.vendor == "postgresql" and connection.get_autocommit():
        # Fresh statistics (or the planner guesses on 100k new rows) and the visibility map (counts
        # become index-only scans), as autovacuum would do later in a real database.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE orders_order, orders_orderline, orders_orderevent, orders_customer, "
                           "orders_product")
    elif connection.vendor == "postgresql":  # inside a transaction (tests): VACUUM is not allowed there
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE orders_order, orders_orderline, orders_orderevent, orders_customer, orders_product")
    return result


def _insert_batch(plans, *, rng, actor_ids, sales_id, result):
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # generated data: a lost last batch on a crash is fine
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        years = {}
        for plan in plans:
            years.setdefault(timezone.localtime(plan.created_at).year, []).append(plan)
        built = []  # (plan, order row, line rows), numbered per creation year in creation order
        for year, year_plans in sorted(years.items()):
            first = take(series.ORDER, len(year_plans), year=year)
            for offset, plan in enumerate(year_plans):
                number = formatted(series.ORDER, year, first + offset)
                order, lines = _build_order(plan, number, rng=rng, sales_id=sales_id)
                built.append((plan, order, lines))
        order_ids = insert_rows(Order, [order for _p, order, _l in built], return_ids=True)
        line_rows = []
        event_rows = []
        for (plan, _order, lines), order_id in zip(built, order_ids, strict=True):
            for line in lines:
                line["order_id"] = order_id
            line_rows.extend(lines)
            for action, from_status, to_status, at, note in plan.events:
                # Sales withdraw their own drafts; every other step is taken by its role.
                actor_id = sales_id if from_status == S.DRAFT else actor_ids[action]
                event_rows.append({"order_id": order_id, "action": action, "from_status": from_status,
                                   "to_status": to_status, "actor_id": actor_id, "created_at": at, "note": note})
            result.by_status[plan.status] = result.by_status.get(plan.status, 0) + 1
        insert_rows(OrderLine, line_rows)
        insert_rows(OrderEvent, event_rows)
        result.orders += len(built)
        result.lines += len(line_rows)
        result.events += len(event_rows)


def _build_order(plan, number, *, rng, sales_id):
    """The order's row and its lines' rows, as {field attname: value}."""
    created_date = timezone.localtime(plan.created_at).date()
    lead = lead_days_for(rng, plan.products, plan.rush)
    requested = created_date + timedelta(days=lead)
    shipped = plan.status in (S.SHIPPED, S.DELIVERED, S.CLOSED) or plan.held_from == S.SHIPPED
    lines = []
    total = Decimal("0")
    for line_no, product in enumerate(plan.products, start=1):
        quantity = quantity_for(rng, product)
        price = price_for(rng, product)
        total += line_amount(quantity, price)
        lines.append({"line_no": line_no, "product_id": product.pk, "quantity": quantity, "unit_price": price,
                      "requested_date": None, "shipped_quantity": quantity if shipped else Decimal("0")})
    customer_po = f"PO{created_date:%y%m%d}-{rng.randint(100, 999)}" if rng.random() < 0.7 else ""
    times = {action: at for action, _f, _t, at, _n in plan.events}  # last time of each action
    reason = next((note for action, _f, _t, _at, note in reversed(plan.events)
                   if action in ("reject", "hold", "cancel")), "")
    standard = max(p.standard_lead_time_days for p in plan.products)
    search_text = search_words(number, customer_po, plan.customer, plan.products)
    order = {
        "search_text": search_text, "search_grams": cjk_bigrams(search_text),
        "status": plan.status, "number": number, "customer_id": plan.customer.pk, "currency": plan.customer.currency,
        "channel": rng.choice([Channel.BROWSER] * 5 + [Channel.PHONE] * 2 + [Channel.EMAIL] * 2 + [Channel.IMPORT]),
        "customer_po": customer_po,
        "requested_date": requested,
        "promised_date": requested + timedelta(days=rng.choice([0, 0, 0, 3])) if "approve" in times else None,
        "priority": Priority.RUSH if plan.rush else Priority.NORMAL,
        "rush_reason": rng.choice(RUSH_REASONS) if plan.rush else "", "rush_suggested": lead < standard,
        "total_amount": total, "held_from": plan.held_from,
        "status_reason": reason if plan.status in (S.REJECTED, S.ON_HOLD, S.CANCELLED) else "",
        "entry_key": uuid.UUID(int=rng.getrandbits(128), version=4), "created_by_id": sales_id,
        "created_at": plan.created_at, "updated_at": plan.events[-1][3],
        "submitted_at": times.get("submit"), "approved_at": times.get("approve"),
    }
    return order, lines


# --- bulk insertion ---------------------------------------------------------------------------

def insert_rows(model, rows, *, return_ids=False):
    """Insert rows given as {field attname: value}; fields a row leaves out get their model default.
    PostgreSQL gets one COPY per table (several times faster than INSERT for 10^5–10^6 rows),
    other databases bulk_create. With return_ids, the new primary keys in the order of `rows`."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        # Model(**row) sets a protected FSMField (Order.status) in the constructor, which django-fsm
        # allows: its descriptor refuses only assignments after construction.
        objs = model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        return [obj.pk for obj in objs]
    pk = model._meta.pk
    ids = None
    if return_ids:
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                           [model._meta.db_table, pk.column, len(rows)])
            ids = [r[0] for r in cursor.fetchall()]
        for row, new_id in zip(rows, ids, strict=True):
            row[pk.attname] = new_id
    fields = [f for f in model._meta.concrete_fields if not (f.primary_key and pk.attname not in rows[0])]
    fill = {f.attname: _default_maker(f) for f in fields if f.attname not in rows[0]}
    buffer = io.StringIO()
    for row in rows:
        buffer.write("\t".join(_copy_text(row[f.attname] if f.attname in row else fill[f.attname]())
                               for f in fields))
        buffer.write("\n")
    buffer.seek(0)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    with connection.cursor() as cursor:
        cursor.copy_expert(f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN", buffer)
    return ids


def _default_maker(model_field):
    """What a field left out of the rows gets, as Django would give it: now for auto_now fields, a
    callable default called per row, else the field's default ("" or NULL when it has none)."""
    if getattr(model_field, "auto_now", False) or getattr(model_field, "auto_now_add", False):
        return timezone.now
    if model_field.has_default() and callable(model_field.default):
        return model_field.get_default
    value = model_field.get_default()
    return lambda: value


_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(value):
    """One value in PostgreSQL's COPY text format."""
    if isinstance(value, enum.Enum):  # TextChoices members
        value = value.value
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False).translate(_COPY_ESCAPES)
    return str(value).translate(_COPY_ESCAPES)
