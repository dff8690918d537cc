"""Planning demo data for `manage.py seed_planning_demo` (run by `make seed` / `make run` after seed_demo).

The orders demo is a cleaning-products factory (laundry liquid, dishwashing liquid, disinfectant, hand
soap, washing powder, wet wipes), so its planning data is that factory's:

* calendars: two shifts Monday to Friday (06:00–14:00, 14:00–22:00) for the process lines, and a day
  shift Monday to Saturday (08:00–12:00, 13:00–17:00) for labelling, powder, QC and packing; the
  statutory holidays New Year's Day, Labour Day and National Day (next occurrence) on both, and
  overtime on the coming Saturday for the two-shift lines (rush orders).
* nine work centers: mixing vessels (2 units), blow moulding, bottle filling (2 units) and drum filling
  (each the other's alternative), capping and labelling, powder mixing and packing, the wet-wipes line,
  the QC bench and packing (2 units), with efficiencies from 85 to 110 %.
* items: an item for every demo product (Item.product), made in house; bought raw materials and
  packaging with purchase lead times; made sub-assemblies: the liquid or powder base each product is
  filled with (mixed from raw materials) and the HDPE bottles (blown from resin). A case product (整箱)
  is made of its single product, so its BOM has three levels of making.
* a BOM and a routing for every made item; the surface cleaner base has a maximum batch size (what one
  mixing vessel holds), so large orders of floor, kitchen and industrial cleaners are split into batches.
* then the approved demo orders are planned (planning.plans.plan_order: work orders and a finite-capacity
  schedule of all open work) and the rush ones and the oldest normal one are released
  (planning.plans.release_plan), so the plan review, the Gantt chart and the daily plan have content. Where
  plans need approval (settings.PLAN_APPROVAL_REQUIRED, on in `make run`), the production department head
  (孙军) approves those, one more plan awaits approval and one was returned with a reason.
* skills and a crew (people as a resource): filling needs a filler operator (灌装操作工), mixing a mixing
  operator (配料工); the two-shift crew has two and one of them.
* work instructions (作业指导书) for the filling, mixing and labelling operations (planning.demo_instructions).

Everything goes through the real services acting as the demo planner (张伟), in one transaction.
Running it again adds nothing: calendars, work centers, items, BOMs and routings that exist (by name or
code, or an active version) are kept as they are, and orders are planned only when no work order exists.
"""

from dataclasses import dataclass
from datetime import date, time, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from inventory import services as inventory_services
from inventory.models import BillOfMaterials, Item, ItemType, Sourcing
from orders.demo_data import CUSTOMERS, PRODUCTS, ensure_role_users
from orders.models import Order, OrderStatus, Priority, Product, Unit

from . import crew_services, plan_approval, plans, routing_services
from . import services as planning_services
from .demo_instructions import seed_work_instructions
from .models import Crew, ExceptionKind, Routing, Skill, WorkCalendar, WorkCenter, WorkOrder

D = Decimal

TWO_SHIFTS = "两班制（周一至周五） Two shifts Mon–Fri"
DAY_SHIFT = "白班（周一至周六） Day shift Mon–Sat"
CALENDARS = {
    TWO_SHIFTS: ([(day, "06:00", "14:00") for day in range(5)] + [(day, "14:00", "22:00") for day in range(5)],
                 "灌装、配料、吹瓶、湿巾线 Process lines"),
    DAY_SHIFT: ([(day, "08:00", "12:00") for day in range(6)] + [(day, "13:00", "17:00") for day in range(6)],
                "贴标、粉剂、质检、包装 Labelling, powder, QC, packing"),
}
# (month, day, name) of the statutory holidays on fixed dates.
HOLIDAYS = [(1, 1, "元旦 New Year's Day"), (5, 1, "劳动节 Labour Day"), (10, 1, "国庆节 National Day")]
OVERTIME_NOTE = "周六加班赶急单 Saturday overtime for rush orders"

# People as a resource: filling and mixing need an operator with the skill besides the machine. Two filler
# operators for three filling units (FILL-S × 2, FILL-L) and one mixing operator for the two vessels, so the
# Gantt's crew band and the daily plan's people list have something to show.
FILLER, MIXER = "FILLER", "MIXER"
SKILLS = [(FILLER, "灌装操作工 Filler operator"), (MIXER, "配料工 Mixing operator")]
CREWS = [("CREW-A", "灌装配料班 Filling and mixing crew", TWO_SHIFTS, {FILLER: 2, MIXER: 1})]


@dataclass(frozen=True)
class CenterSeed:
    code: str
    name: str
    calendar: str
    units: int = 1
    efficiency: Decimal = D("100")
    cost_per_hour: Decimal = D("120")


CENTERS = [
    CenterSeed("MIX", "配料釜 Mixing vessels", TWO_SHIFTS, units=2, cost_per_hour=D("180")),
    CenterSeed("BLOW", "吹瓶机 Blow moulding", TWO_SHIFTS, efficiency=D("90"), cost_per_hour=D("150")),
    CenterSeed("FILL-S", "小瓶灌装线 Bottle filling line", TWO_SHIFTS, units=2, efficiency=D("95")),
    CenterSeed("FILL-L", "大桶灌装线 Drum filling line", TWO_SHIFTS),
    CenterSeed("LABEL", "旋盖贴标机 Capping and labelling", DAY_SHIFT, efficiency=D("110"), cost_per_hour=D("90")),
    CenterSeed("POWDER", "粉剂混合包装机 Powder mixing and packing", DAY_SHIFT, cost_per_hour=D("140")),
    CenterSeed("WIPES", "湿巾生产线 Wet-wipes line", TWO_SHIFTS, efficiency=D("85"), cost_per_hour=D("160")),
    CenterSeed("QC", "质检台 QC bench", DAY_SHIFT, cost_per_hour=D("80")),
    CenterSeed("PACK", "包装线 Packing", DAY_SHIFT, units=2, cost_per_hour=D("70")),
]


@dataclass(frozen=True)
class ItemSeed:
    code: str
    name: str
    specification: str
    unit: str
    item_type: str
    lead_days: int = 0  # bought items only


RAW, PACKAGING = ItemType.RAW_MATERIAL, ItemType.PACKAGING
BOUGHT = [
    ItemSeed("RM-DIW", "去离子水", "RO 反渗透，电导率 ≤ 10 μS/cm", Unit.KG, RAW, 0),
    ItemSeed("RM-LAS", "磺酸（LAS 96%）", "200 kg/桶", Unit.KG, RAW, 1),
    ItemSeed("RM-AES", "脂肪醇醚硫酸钠（AES 70%）", "170 kg/桶", Unit.KG, RAW, 1),
    ItemSeed("RM-APG", "烷基糖苷（APG 50%）", "220 kg/桶", Unit.KG, RAW, 2),
    ItemSeed("RM-NAOCL", "次氯酸钠溶液（10%）", "槽车，按公斤计", Unit.KG, RAW, 1),
    ItemSeed("RM-ETOH", "食用酒精（95%）", "160 kg/桶", Unit.KG, RAW, 2),
    ItemSeed("RM-QAC", "苯扎氯铵（季铵盐 50%）", "25 kg/桶", Unit.KG, RAW, 2),
    ItemSeed("RM-GLY", "甘油（99.5%）", "250 kg/桶", Unit.KG, RAW, 1),
    ItemSeed("RM-NACL", "工业盐", "50 kg/袋", Unit.KG, RAW, 1),
    ItemSeed("RM-SODA", "纯碱（碳酸钠）", "40 kg/袋", Unit.KG, RAW, 1),
    ItemSeed("RM-NA2SO4", "元明粉（无水硫酸钠）", "50 kg/袋", Unit.KG, RAW, 1),
    ItemSeed("RM-FRAG", "复配香精", "25 kg/桶，按产品调香", Unit.KG, RAW, 2),
    ItemSeed("RM-HDPE", "高密度聚乙烯粒料（HDPE）", "吹塑级，25 kg/袋", Unit.KG, RAW, 2),
    ItemSeed("RM-NW", "水刺无纺布", "40 g/m²，卷材", Unit.KG, RAW, 2),
    ItemSeed("CAP-28", "28 牙瓶盖", "PP，带内塞", Unit.PCS, PACKAGING, 1),
    ItemSeed("SPR-500", "500 ml 喷雾瓶（含喷头）", "PET 瓶 + 扳机喷头", Unit.PCS, PACKAGING, 2),
    ItemSeed("PUMP-500", "500 ml 按压瓶（含泵头）", "PET 瓶 + 乳液泵", Unit.PCS, PACKAGING, 2),
    ItemSeed("BAG-1L", "1 L 补充袋", "自立吸嘴袋", Unit.PCS, PACKAGING, 2),
    ItemSeed("JUG-5L", "5 L 塑料桶（含盖）", "HDPE", Unit.PCS, PACKAGING, 1),
    ItemSeed("JUG-10L", "10 L 塑料桶（含盖）", "HDPE", Unit.PCS, PACKAGING, 1),
    ItemSeed("DRUM-25L", "25 L 塑料桶（含盖）", "HDPE，闭口", Unit.PCS, PACKAGING, 1),
    ItemSeed("DRUM-200L", "200 L 塑料桶", "HDPE，双环", Unit.PCS, PACKAGING, 2),
    ItemSeed("IBC-1000", "IBC 吨桶", "1000 L，带托盘", Unit.PCS, PACKAGING, 2),
    ItemSeed("BAG-5KG", "洗衣粉包装袋 5 kg", "复合膜", Unit.PCS, PACKAGING, 1),
    ItemSeed("BAG-25KG", "编织袋 25 kg", "PP 覆膜", Unit.PCS, PACKAGING, 1),
    ItemSeed("FILM-WP", "湿巾包装膜（带贴盖）", "卷膜，按包计", Unit.PCS, PACKAGING, 2),
    ItemSeed("TUB-100", "湿巾桶（100 抽）", "PP 桶 + 盖", Unit.PCS, PACKAGING, 2),
    ItemSeed("LBL", "不干胶标签", "按产品印刷", Unit.PCS, PACKAGING, 1),
    ItemSeed("CTN-4", "纸箱（4 只装）", "五层瓦楞", Unit.PCS, PACKAGING, 1),
    ItemSeed("CTN-6", "纸箱（6 只装）", "五层瓦楞", Unit.PCS, PACKAGING, 1),
    ItemSeed("CTN-8", "纸箱（8 只装）", "五层瓦楞", Unit.PCS, PACKAGING, 1),
    ItemSeed("CTN-12", "纸箱（12 只装）", "五层瓦楞", Unit.PCS, PACKAGING, 1),
    ItemSeed("CTN-24", "纸箱（24 只装）", "五层瓦楞", Unit.PCS, PACKAGING, 1),
]

SUB = ItemType.SUB_ASSEMBLY
# Made in house: the bases (料体, per kg) and the blown bottles, with their BOMs [(component, qty per unit)].
BASES = {
    "SA-LD": (ItemSeed("SA-LD", "洗衣液料体", "浓缩型，按公斤计", Unit.KG, SUB),
              [("RM-DIW", "0.62"), ("RM-LAS", "0.12"), ("RM-AES", "0.18"), ("RM-NACL", "0.02"), ("RM-FRAG", "0.005")]),
    "SA-FS": (ItemSeed("SA-FS", "柔顺剂料体", "阳离子型，按公斤计", Unit.KG, SUB),
              [("RM-DIW", "0.85"), ("RM-QAC", "0.08"), ("RM-FRAG", "0.008")]),
    "SA-DW": (ItemSeed("SA-DW", "洗洁精料体", "按公斤计", Unit.KG, SUB),
              [("RM-DIW", "0.75"), ("RM-LAS", "0.10"), ("RM-AES", "0.12"), ("RM-NACL", "0.02"), ("RM-FRAG", "0.003")]),
    "SA-SC": (ItemSeed("SA-SC", "表面清洁剂料体", "中性/碱性通用，按公斤计", Unit.KG, SUB),
              [("RM-DIW", "0.85"), ("RM-APG", "0.08"), ("RM-SODA", "0.03"), ("RM-FRAG", "0.002")]),
    "SA-DS": (ItemSeed("SA-DS", "消毒液料体", "含氯/季铵盐/乙醇，按公斤计", Unit.KG, SUB),
              [("RM-DIW", "0.45"), ("RM-NAOCL", "0.45"), ("RM-QAC", "0.02"), ("RM-ETOH", "0.05")]),
    "SA-HS": (ItemSeed("SA-HS", "洗手液料体", "芦荟型，按公斤计", Unit.KG, SUB),
              [("RM-DIW", "0.78"), ("RM-AES", "0.12"), ("RM-GLY", "0.05"), ("RM-NACL", "0.015"),
               ("RM-FRAG", "0.003")]),
    "SA-LP": (ItemSeed("SA-LP", "无磷洗衣粉粉体", "按公斤计", Unit.KG, SUB),
              [("RM-SODA", "0.30"), ("RM-NA2SO4", "0.50"), ("RM-LAS", "0.15"), ("RM-FRAG", "0.002")]),
    "SA-WL": (ItemSeed("SA-WL", "湿巾液", "无醇配方，按公斤计", Unit.KG, SUB),
              [("RM-DIW", "0.97"), ("RM-GLY", "0.02"), ("RM-QAC", "0.002")]),
}
# Bottles blown in house: (code, name, HDPE kg per bottle).
BOTTLES = {
    "BTL-500": ("500 ml 瓶", "0.028"), "BTL-750": ("750 ml 瓶", "0.035"), "BTL-1L": ("1 L 瓶", "0.045"),
    "BTL-1L5": ("1.5 L 瓶", "0.060"), "BTL-2L": ("2 L 瓶", "0.080"), "BTL-3L": ("3 L 瓶", "0.110"),
}
# The surface cleaner base, the most used one, is mixed in batches of at most one vessel (5 t).
MAX_BATCH = {"SA-SC": D("5000")}


@dataclass(frozen=True)
class Recipe:
    """How a product is made: `base` kg of which base per unit, in which container (None: none), how many
    to a carton (1: no carton). A case product is `of` units of another product."""

    base: str = ""
    fill: str = "0"
    container: str | None = None
    per_carton: int = 1
    of: tuple[str, int] | None = None
    wipes: tuple[str, str, str | None] | None = None  # (lotion kg, nonwoven kg, pack) per unit


R = Recipe
RECIPES = {
    "LD-2L-LAV": R("SA-LD", "2", "BTL-2L", 6), "LD-3KG-LEM": R("SA-LD", "3", "BTL-3L", 4),
    "LD-BOX-6X2L": R(of=("LD-2L-LAV", 6)), "LD-20L-IND": R("SA-LD", "20", "DRUM-25L"),
    "LP-5KG": R("SA-LP", "5", "BAG-5KG", 4), "LP-BULK": R("SA-LP", "1", "BAG-25KG:0.04"),
    "FS-1L-SAK": R("SA-FS", "1", "BTL-1L", 12), "FS-5L-HTL": R("SA-FS", "5", "JUG-5L", 4),
    "BL-5L": R("SA-LD", "5", "JUG-5L"),
    "DW-500-LEM": R("SA-DW", "0.5", "BTL-500", 24), "DW-1.5KG": R("SA-DW", "1.5", "BTL-1L5", 8),
    "DW-20KG-CAT": R("SA-DW", "20", "DRUM-25L"), "DW-BOX-24": R(of=("DW-500-LEM", 24)),
    "KD-500-SPR": R("SA-SC", "0.5", "SPR-500", 24), "KD-4L-PRO": R("SA-SC", "4", "JUG-5L", 4),
    "DM-5KG-RIN": R("SA-DW", "5", "JUG-5L"), "DM-10KG-DET": R("SA-DW", "10", "JUG-10L"),
    "MC-500-SPR": R("SA-SC", "0.5", "SPR-500", 24), "MC-5L-CON": R("SA-SC", "5", "JUG-5L"),
    "GC-500-SPR": R("SA-SC", "0.5", "SPR-500", 24), "GC-4L": R("SA-SC", "4", "JUG-5L"),
    "FC-2L-PINE": R("SA-SC", "2", "BTL-2L", 6), "FC-20L-IND": R("SA-SC", "20", "DRUM-25L"),
    "FC-BULK": R("SA-SC", "1", "IBC-1000:0.001"), "WX-5L": R("SA-SC", "5", "JUG-5L"),
    "SS-500-SPR": R("SA-SC", "0.5", "SPR-500", 12), "CP-5L": R("SA-SC", "5", "JUG-5L"),
    "TC-750-BLU": R("SA-SC", "0.75", "BTL-750", 24), "TC-BOX-24": R(of=("TC-750-BLU", 24)),
    "BT-500-SPR": R("SA-SC", "0.5", "SPR-500", 24),
    "DS-84-1L": R("SA-DS", "1", "BTL-1L", 12), "DS-84-25KG": R("SA-DS", "25", "DRUM-25L"),
    "DS-QAC-5L": R("SA-DS", "5", "JUG-5L"), "DS-ALC-500": R("SA-DS", "0.5", "SPR-500", 24),
    "DS-BULK": R("SA-DS", "1", "IBC-1000:0.001"),
    "HS-500-ALO": R("SA-HS", "0.5", "PUMP-500", 24), "HS-5L-REF": R("SA-HS", "5", "JUG-5L", 4),
    "HS-FOAM-1L": R("SA-HS", "1", "BAG-1L", 6), "HG-500": R("SA-DS", "0.5", "PUMP-500", 24),
    "WP-80-BABY": R(wipes=("0.40", "0.12", "FILM-WP"), per_carton=24), "WP-BOX-80": R(of=("WP-80-BABY", 24)),
    "WP-DIS-100": R(wipes=("0.50", "0.15", "TUB-100"), per_carton=12),
    "WP-KIT-50": R(wipes=("0.25", "0.08", "FILM-WP"), per_carton=24),
    "WP-IND-ROLL": R(wipes=("0", "1.20", None)), "WP-HTL-10": R(wipes=("2.00", "1.00", "FILM-WP:1000")),
    "ID-25KG-ALK": R("SA-SC", "25", "DRUM-25L"), "ID-BULK": R("SA-SC", "1", "DRUM-200L:0.005"),
    "PCB-5L": R("SA-SC", "5", "JUG-5L"), "CW-20L": R("SA-SC", "20", "DRUM-25L"),
    "CW-BULK": R("SA-SC", "1", "IBC-1000:0.001"), "CW-WAX-1L": R("SA-SC", "1", "BTL-1L", 12),
    "LD-1L-OLD": R("SA-LD", "1", "BTL-1L", 12),
}


@dataclass(frozen=True)
class Step:
    """One routing operation: sequence, center, setup min, run min per unit, wait min after, description,
    alternative center."""

    sequence: int
    center: str
    setup: str
    run: str
    description: str
    wait: str = "0"
    alternative: str | None = None
    skill: str | None = None  # people of this skill besides the machine (planning.crew_models)
    people: int = 0


def base_routing(code):
    if code == "SA-LP":
        return [Step(10, "POWDER", "40", "0.015", "粉料混合 Powder mixing"),
                Step(20, "QC", "15", "0.001", "取样检验 Sampling")]
    return [Step(10, "MIX", "30", "0.02", "配料混合 Mixing", wait="60", skill=MIXER, people=1),  # then settling
            Step(20, "QC", "20", "0.001", "取样检验 Sampling")]


def bottle_routing():
    return [Step(10, "BLOW", "60", "0.06", "吹瓶 Blow moulding", wait="120")]  # cooling before filling


def product_routing(recipe, fill):
    """Filling, capping/labelling, final inspection and packing, by what the product is."""
    if recipe.of is not None:
        return [Step(10, "PACK", "10", "0.5", "整箱装箱 Case packing")]
    if recipe.wipes is not None:
        return [Step(10, "WIPES", "30", "0.05", "分切折叠包装 Cutting, folding, packing"),
                Step(20, "QC", "10", "0.002", "成品抽检 Final inspection"),
                Step(30, "PACK", "10", "0.02", "装箱 Packing")]
    if recipe.base == "SA-LP":
        return [Step(10, "POWDER", "20", "0.04", "定量包装 Weighing and bagging"),
                Step(20, "PACK", "10", "0.02", "装箱码垛 Packing")]
    kg = D(fill)
    run = (D("0.02") + D("0.02") * kg).quantize(D("0.001"))
    if kg <= 3:
        return [Step(10, "FILL-S", "20", str(run), "灌装 Filling", alternative="FILL-L", skill=FILLER, people=1),
                Step(20, "LABEL", "15", "0.02", "旋盖贴标 Capping and labelling"),
                Step(30, "QC", "10", "0.002", "成品抽检 Final inspection"),
                Step(40, "PACK", "10", "0.02", "装箱 Packing")]
    if kg <= 5:
        return [Step(10, "FILL-L", "20", str(run), "灌装 Filling", alternative="FILL-S", skill=FILLER, people=1),
                Step(20, "LABEL", "15", "0.03", "贴标 Labelling"),
                Step(30, "PACK", "10", "0.03", "装箱 Packing")]
    return [Step(10, "FILL-L", "30", str(run), "灌装 Filling", skill=FILLER, people=1),
            Step(20, "QC", "10", "0.005", "成品抽检 Final inspection"),
            Step(30, "PACK", "5", "0.05", "码垛 Palletising")]


def product_bom(recipe):
    """[(component code, quantity per unit)] of a product."""
    if recipe.of is not None:
        single, count = recipe.of
        return [(single, str(count)), (f"CTN-{count}", "1")]
    lines = []
    if recipe.wipes is not None:
        lotion, nonwoven, pack = recipe.wipes
        if D(lotion):
            lines.append(("SA-WL", lotion))
        lines.append(("RM-NW", nonwoven))
    else:
        lines.append((recipe.base, recipe.fill))
        pack = recipe.container
    if pack:
        code, _sep, quantity = pack.partition(":")
        lines.append((code, quantity or "1"))
        if code.startswith("BTL-"):
            lines.append(("CAP-28", "1"))
    if recipe.of is None and (pack or "").split(":")[0] not in ("IBC-1000", "DRUM-200L", "BAG-25KG"):
        lines.append(("LBL", "1"))
    if recipe.per_carton > 1:
        lines.append((f"CTN-{recipe.per_carton}", str((D(1) / recipe.per_carton).quantize(D("0.001")))))
    return lines


# --- seeding -----------------------------------------------------------------------------------

def next_day_of(month, day, today):
    """The next `month`/`day` on or after `today`."""
    this_year = date(today.year, month, day)
    return this_year if this_year >= today else date(today.year + 1, month, day)


def _calendars(actor, today):
    made = {}
    for name, (shifts, note) in CALENDARS.items():
        calendar = WorkCalendar.objects.filter(name=name).first()
        if calendar is not None:
            made[name] = calendar
            continue
        calendar = planning_services.create_calendar(
            actor=actor, name=name, note=note,
            shifts=[planning_services.ShiftInput(day, time.fromisoformat(start), time.fromisoformat(end))
                    for day, start, end in shifts])
        for month, day, holiday in HOLIDAYS:
            planning_services.add_calendar_exception(actor=actor, calendar=calendar,
                                                     date=next_day_of(month, day, today),
                                                     kind=ExceptionKind.HOLIDAY, note=holiday)
        if name == TWO_SHIFTS:
            saturday = today + timedelta(days=(5 - today.weekday()) % 7 or 7)
            planning_services.add_calendar_exception(actor=actor, calendar=calendar, date=saturday,
                                                     kind=ExceptionKind.OVERTIME, start=time(8), end=time(16),
                                                     note=OVERTIME_NOTE)
        made[name] = calendar
    return made


def _work_centers(actor, calendars):
    centers = {}
    for seed in CENTERS:
        center = WorkCenter.objects.filter(code=seed.code).first()
        if center is None:
            center = planning_services.create_work_center(
                actor=actor, code=seed.code, name=seed.name, calendar=calendars[seed.calendar],
                parallel_units=seed.units, efficiency_percent=seed.efficiency, cost_rate_per_hour=seed.cost_per_hour)
        centers[seed.code] = center
    return centers


def _item(actor, seed, *, sourcing, product=None, is_active=True):
    item = Item.objects.filter(code=seed.code).first()
    if item is None and product is not None:
        item = Item.objects.filter(product=product).first()  # linked by hand under another code
    if item is None:
        item = inventory_services.create_item(
            actor=actor, code=seed.code, name=seed.name, specification=seed.specification, unit=seed.unit,
            item_type=seed.item_type, sourcing=sourcing, purchase_lead_time_days=seed.lead_days, product=product,
            is_active=is_active)
    return item


def _items(actor):
    items = {}
    for seed in BOUGHT:
        items[seed.code] = _item(actor, seed, sourcing=Sourcing.BUY)
    for code, (seed, _lines) in BASES.items():
        items[code] = _item(actor, seed, sourcing=Sourcing.MAKE)
    for code, (name, _resin) in BOTTLES.items():
        items[code] = _item(actor, ItemSeed(code, name, "HDPE 吹塑", Unit.PCS, SUB), sourcing=Sourcing.MAKE)
    products = {p.sku: p for p in Product.objects.filter(sku__in=[p.sku for p in PRODUCTS])}
    for seed in PRODUCTS:
        product = products[seed.sku]
        items[seed.sku] = _item(actor, ItemSeed(seed.sku, seed.name, seed.specification, seed.unit,
                                                ItemType.FINISHED_GOOD),
                                sourcing=Sourcing.MAKE, product=product, is_active=seed.is_active)
    return items


def _bom(actor, item, lines, items):
    if not item.is_active or BillOfMaterials.objects.filter(parent=item, is_active=True).exists():
        return False
    inventory_services.save_bom(actor=actor, item=item, lines=[
        inventory_services.BomLineInput(component=items[code], quantity=D(quantity)) for code, quantity in lines])
    return True


def _skills_and_crews(actor, calendars):
    """The demo skills and crews ({skill code: Skill}); those that exist are kept as they are."""
    skills = {skill.code: skill for skill in Skill.objects.filter(code__in=[code for code, _name in SKILLS])}
    for code, name in SKILLS:
        if code not in skills:
            skills[code] = crew_services.create_skill(actor=actor, code=code, name=name)
    for code, name, calendar, head_counts in CREWS:
        if not Crew.objects.filter(code=code).exists():
            crew_services.create_crew(actor=actor, code=code, name=name, calendar=calendars[calendar],
                                      head_counts=head_counts)
    return skills


def _routing(actor, item, steps, centers, skills):
    if not item.is_active or Routing.objects.filter(item=item, is_active=True).exists():
        return False
    routing_services.save_routing(actor=actor, item=item, operations=[
        routing_services.OperationInput(
            sequence=step.sequence, work_center=centers[step.center], setup_minutes=D(step.setup),
            run_minutes_per_unit=D(step.run), min_wait_minutes=D(step.wait), description=step.description,
            alternative_work_center=centers[step.alternative] if step.alternative else None,
            skill=skills.get(step.skill), people_required=step.people if step.skill in skills else 0)
        for step in steps])
    if item.code in MAX_BATCH:
        routing_services.set_routing_batch_size(actor=actor, item=item, max_batch_size=MAX_BATCH[item.code])
    return True


def _boms_and_routings(actor, items, centers, skills):
    """BOM and routing of every made item: (BOMs written, routings written)."""
    boms = routings = 0
    for code, (_seed, lines) in BASES.items():
        boms += _bom(actor, items[code], lines, items)
        routings += _routing(actor, items[code], base_routing(code), centers, skills)
    for code, (_name, resin) in BOTTLES.items():
        boms += _bom(actor, items[code], [("RM-HDPE", resin)], items)
        routings += _routing(actor, items[code], bottle_routing(), centers, skills)
    for seed in PRODUCTS:
        recipe = RECIPES[seed.sku]
        item = items[seed.sku]
        if item.code != seed.sku:
            continue  # the product was linked by hand to an item of another code: leave it as it is
        boms += _bom(actor, item, product_bom(recipe), items)
        routings += _routing(actor, item, product_routing(recipe, recipe.fill), centers, skills)
    return boms, routings


def demo_orders_to_plan():
    """The approved demo orders (of the demo customers) with no work orders yet, oldest approval first."""
    return list(Order.objects.filter(status=OrderStatus.APPROVED, customer__code__in=[c.code for c in CUSTOMERS])
                .exclude(work_orders__isnull=False).order_by("approved_at", "id"))


def _plan(planner, now, head=None):
    """Plan the approved demo orders and release the rush ones and the oldest normal one. Skipped when
    work orders exist already (planned by an earlier run or by hand). Returns (planned, released, problems).
    Where plans need approval (settings.PLAN_APPROVAL_REQUIRED), `head` (the production department head)
    approves the released ones (planning.plan_approval); of the other normal orders one plan awaits the head
    and one was returned with a reason, so both sides of the approval have something to show."""
    if WorkOrder.objects.exists():
        return [], [], []
    planned, problems = [], []
    for order in demo_orders_to_plan():
        try:
            plans.plan_order(actor=planner, order=order, now=now)
        except ValidationError as exc:
            problems.append(f"{order.number}: {' '.join(exc.messages)}")
            continue
        planned.append(order)
    normals = [order for order in planned if order.priority != Priority.RUSH]
    released = [order for order in planned if order.priority == Priority.RUSH] + normals[:1]
    if not settings.PLAN_APPROVAL_REQUIRED:
        for order in released:
            plans.release_plan(actor=planner, order=order)
        return planned, released, problems
    for order in released:
        submission = plan_approval.submit_plan(actor=planner, order=order)
        plan_approval.approve_plan(actor=head, submission=submission)
    for order, reason in zip(normals[1:3], ["", RETURN_REASON], strict=False):
        submission = plan_approval.submit_plan(actor=planner, order=order, note="请审核本周灌装线安排")
        if reason:
            plan_approval.return_plan(actor=head, submission=submission, reason=reason)
    return planned, released, problems


RETURN_REASON = "FILL-S 本周已满负荷，请改用 FILL-L 或推迟到下周，并与销售确认交期。"


def seed_planning_demo(*, now=None):
    """Create the planning demo data (see the module docstring). Needs the orders demo data (seed_demo)
    first. Returns a summary dict of what exists and what this run planned."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        users = ensure_role_users()
        planner = users["planner"]
        calendars = _calendars(planner, today)
        centers = _work_centers(planner, calendars)
        items = _items(planner)
        skills = _skills_and_crews(planner, calendars)
        boms, routings = _boms_and_routings(planner, items, centers, skills)
        planned, released, problems = _plan(planner, now, head=users["production_head"])
        instructions = seed_work_instructions(planner)
    return {
        "calendars": len(calendars), "work_centers": len(centers), "items": len(items), "boms_written": boms,
        "routings_written": routings, "planned": [o.number for o in planned],
        "released": [o.number for o in released], "problems": problems,
        "work_orders": WorkOrder.objects.count(), "work_instructions_written": instructions,
    }
