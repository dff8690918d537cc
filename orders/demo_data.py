"""Demo data for `manage.py seed_demo` and scale data for the benchmarks.

Two generators share one catalog of users, customers and products (a cleaning-products factory):

* `seed_demo()` makes a small, realistic data set for `make run`: one user per role, ~20 customers,
  ~50 products and ~60 orders in every state of the order state machine. Orders are made and moved
  through the real services (orders.services), so each one has the events, alerts and warnings a
  real order would have. Afterwards the order's timestamps are spread back over the past weeks, so
  that timelines, lead times and "late" orders look like a factory's history instead of one minute.
* `generate_orders(count)` inserts large data sets fast for the benchmarks (bulk_create in batches):
  orders with lines and with the event chain their status implies, numbered from the same
  OrderNumberSequence rows that services.next_order_number() uses, so later real orders never
  collide with generated ones.

Neither is reachable from the web interface; the management command refuses to run on a
non-DEBUG site unless forced, because demo users share one published password.
"""

import enum
import io
import json
import random
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import UserProfile
from accounts.roles import ROLES
from history.triggers import backdating

from . import services
from .models import (
    Channel,
    Customer,
    Order,
    OrderEvent,
    OrderLine,
    OrderNumberSequence,
    OrderStatus,
    PaymentTerms,
    Priority,
    Product,
    Unit,
    line_amount,
    search_words,
)

S = OrderStatus

# Documented in README.md / bench/README.md. Demo users are for a laptop, never for a real site.
DEMO_PASSWORD = "orderflow-demo"
# RFC 2606 reserves .example: demo addresses can never reach a real mailbox.
DEMO_EMAIL_DOMAIN = "orderflow-demo.example"

# role -> (full name, e-mail local part, interface language). Chinese names are written family
# name first; Django's get_full_name() joins first + " " + last, so the whole name is first_name.
DEMO_USERS = {
    "sales": ("王芳", "wang.fang", "zh-hans"),
    "order_desk": ("李娜", "li.na", "en"),
    "planner": ("张伟", "zhang.wei", "zh-hans"),
    "warehouse": ("刘洋", "liu.yang", "zh-hans"),
    "production": ("陈强", "chen.qiang", "zh-hans"),
    "qc": ("杨静", "yang.jing", "zh-hans"),
    "shipping": ("赵磊", "zhao.lei", "zh-hans"),
    "manager": ("黄敏", "huang.min", "en"),
    "admin": ("周涛", "zhou.tao", "en"),
}


@dataclass(frozen=True)
class CustomerSeed:
    code: str
    name: str
    name_en: str
    contact_name: str
    contact_phone: str
    address: str
    credit_limit: Decimal
    payment_terms: str = PaymentTerms.NET30
    currency: str = "CNY"
    language: str = "zh-hans"
    is_active: bool = True

    @property
    def email(self):
        return f"purchasing@{self.code.lower()}.{DEMO_EMAIL_DOMAIN}"


D = Decimal
CUSTOMERS = [
    CustomerSeed("C001", "深圳市鹏城百货连锁有限公司", "Shenzhen Pengcheng Department Store Chain Co., Ltd.",
                 "林晓东", "0755-8832 6610", "广东省深圳市福田区深南大道 6008 号鹏城大厦 18 楼",
                 D("800000"), PaymentTerms.MONTHLY),
    CustomerSeed("C002", "广州粤海酒店管理有限公司", "Guangzhou Yuehai Hotel Management Co., Ltd.",
                 "何敏仪", "020-3869 2215", "广东省广州市天河区体育西路 191 号中石化大厦 B 座 27 楼",
                 D("500000"), PaymentTerms.NET60),
    CustomerSeed("C003", "上海申江物业服务有限公司", "Shanghai Shenjiang Property Services Co., Ltd.",
                 "周建华", "021-6258 7731", "上海市静安区南京西路 1266 号恒隆广场 35 楼",
                 D("300000")),
    CustomerSeed("C004", "杭州西湖洁净用品贸易有限公司", "Hangzhou Xihu Cleaning Supplies Trading Co., Ltd.",
                 "沈佳琪", "0571-8796 4402", "浙江省杭州市西湖区文三路 478 号华星时代广场 A 座 9 楼",
                 D("200000"), PaymentTerms.NET30),
    CustomerSeed("C005", "北京京华医院后勤服务有限公司", "Beijing Jinghua Hospital Logistics Services Co., Ltd.",
                 "孙立新", "010-6521 9087", "北京市东城区东单北大街 53 号 3 号楼后勤中心",
                 D("0"), PaymentTerms.NET90),
    CustomerSeed("C006", "成都天府汽车美容连锁有限公司", "Chengdu Tianfu Auto Care Chain Co., Ltd.",
                 "罗志勇", "028-8554 3126", "四川省成都市武侯区人民南路四段 12 号",
                 D("150000")),
    CustomerSeed("C007", "武汉长江餐饮管理有限公司", "Wuhan Changjiang Catering Management Co., Ltd.",
                 "胡婷", "027-8577 1903", "湖北省武汉市江汉区解放大道 690 号武汉国际广场写字楼 21 楼",
                 D("250000"), PaymentTerms.NET60),
    CustomerSeed("C008", "南京金陵家居用品有限公司", "Nanjing Jinling Home Products Co., Ltd.",
                 "吴海燕", "025-8471 6658", "江苏省南京市秦淮区中山南路 122 号",
                 D("400000"), PaymentTerms.MONTHLY),
    CustomerSeed("C009", "东莞市新达电子厂", "Dongguan Xinda Electronics Factory",
                 "梁国栋", "0769-2283 4417", "广东省东莞市长安镇振安中路 368 号新达工业园",
                 D("120000"), PaymentTerms.NET30),
    CustomerSeed("C010", "苏州工业园区恒洁清洁服务有限公司",
                 "Suzhou Industrial Park Hengjie Cleaning Services Co., Ltd.",
                 "钱文斌", "0512-6295 8820", "江苏省苏州市工业园区星湖街 328 号创意产业园 5 栋",
                 D("180000")),
    CustomerSeed("C011", "厦门鹭岛航空配餐有限公司", "Xiamen Ludao Airline Catering Co., Ltd.",
                 "郑雅婷", "0592-5730 1142", "福建省厦门市湖里区高崎北路 22 号机场配餐中心",
                 D("350000"), PaymentTerms.NET60),
    CustomerSeed("C012", "青岛海滨洗衣连锁有限公司", "Qingdao Haibin Laundry Chain Co., Ltd.",
                 "曲振华", "0532-8576 2290", "山东省青岛市市南区香港中路 76 号颐中皇冠假日写字楼 11 楼",
                 D("100000")),
    # The small distributor with a low credit limit: its orders trip the credit warning.
    CustomerSeed("C013", "佛山市顺德区美居日化经销部", "Foshan Shunde Meiju Daily Chemicals Distributor",
                 "冯少华", "0757-2221 3385", "广东省佛山市顺德区大良街道南国中路 15 号商铺",
                 D("20000"), PaymentTerms.PREPAID),
    CustomerSeed("C014", "香港恒丰贸易有限公司", "Hang Fung Trading (Hong Kong) Limited",
                 "Kelvin Chan 陈家豪", "+852 2522 8817", "香港九龙观塘鸿图道 52 号百本中心 12 楼 1203 室",
                 D("600000"), PaymentTerms.NET60, "HKD", "en"),
    CustomerSeed("C015", "天津渤海物流园区管理有限公司", "Tianjin Bohai Logistics Park Management Co., Ltd.",
                 "韩冬梅", "022-2576 4418", "天津市滨海新区港城大道 1188 号",
                 D("200000")),
    # Contract ended: inactive, but its past orders remain.
    CustomerSeed("C016", "重庆山城学校后勤集团", "Chongqing Shancheng School Logistics Group",
                 "唐光明", "023-6388 0951", "重庆市渝中区中山三路 131 号",
                 D("100000"), is_active=False),
    CustomerSeed("C017", "长沙湘江连锁便利店有限公司", "Changsha Xiangjiang Convenience Store Chain Co., Ltd.",
                 "彭丽", "0731-8481 6637", "湖南省长沙市芙蓉区五一大道 389 号华美欧国际 16 楼",
                 D("160000"), PaymentTerms.MONTHLY),
    CustomerSeed("C018", "郑州中原食品加工有限公司", "Zhengzhou Zhongyuan Food Processing Co., Ltd.",
                 "贾建军", "0371-6557 3324", "河南省郑州市经济技术开发区第九大街 166 号",
                 D("220000")),
    CustomerSeed("C019", "狮城卫生用品私人有限公司", "Lion City Hygiene Supplies Pte. Ltd.",
                 "Tan Wei Ming 陈伟明", "+65 6734 2208", "10 Ubi Crescent, #05-21 Ubi Techpark, Singapore 408564",
                 D("80000"), PaymentTerms.PREPAID, "USD", "en"),
    # Merged into another group: inactive.
    CustomerSeed("C020", "昆明春城酒店用品有限公司", "Kunming Chuncheng Hotel Supplies Co., Ltd.",
                 "段云峰", "0871-6313 8874", "云南省昆明市五华区东风西路 11 号",
                 D("90000"), is_active=False),
]
LOW_CREDIT_CUSTOMER = "C013"


@dataclass(frozen=True)
class ProductSeed:
    sku: str
    name: str
    specification: str
    unit: str
    lead_days: int
    price: Decimal
    is_active: bool = True


PRODUCTS = [
    # Laundry
    ProductSeed("LD-2L-LAV", "薰衣草香浓缩洗衣液", "2 L/瓶，6 瓶/箱", Unit.PCS, 10, D("32.50")),
    ProductSeed("LD-3KG-LEM", "柠檬清香洗衣液", "3 kg/瓶，4 瓶/箱", Unit.PCS, 10, D("38.80")),
    ProductSeed("LD-BOX-6X2L", "薰衣草香浓缩洗衣液（整箱）", "6 × 2 L/箱", Unit.BOX, 10, D("186.00")),
    ProductSeed("LD-20L-IND", "工业洗衣液（布草专用）", "20 L/桶", Unit.PCS, 14, D("168.00")),
    ProductSeed("LP-5KG", "无磷洗衣粉", "5 kg/袋，4 袋/箱", Unit.PCS, 12, D("45.00")),
    ProductSeed("LP-BULK", "无磷洗衣粉（散装）", "25 kg/编织袋，按公斤计", Unit.KG, 12, D("7.20")),
    ProductSeed("FS-1L-SAK", "樱花香衣物柔顺剂", "1 L/瓶，12 瓶/箱", Unit.PCS, 10, D("19.90")),
    ProductSeed("FS-5L-HTL", "酒店布草柔顺剂", "5 L/桶，4 桶/箱", Unit.PCS, 14, D("72.00")),
    ProductSeed("BL-5L", "彩漂液（氧系）", "5 L/桶", Unit.PCS, 12, D("58.00")),
    # Kitchen
    ProductSeed("DW-500-LEM", "柠檬洗洁精", "500 ml/瓶，24 瓶/箱", Unit.PCS, 7, D("6.80")),
    ProductSeed("DW-1.5KG", "生姜去腥洗洁精", "1.5 kg/瓶，8 瓶/箱", Unit.PCS, 7, D("15.50")),
    ProductSeed("DW-20KG-CAT", "餐饮专用洗洁精", "20 kg/桶", Unit.PCS, 10, D("126.00")),
    ProductSeed("DW-BOX-24", "柠檬洗洁精（整箱）", "24 × 500 ml/箱", Unit.BOX, 7, D("158.00")),
    ProductSeed("KD-500-SPR", "厨房重油污清洁剂", "500 ml 喷雾瓶，24 瓶/箱", Unit.PCS, 10, D("12.90")),
    ProductSeed("KD-4L-PRO", "强力除油剂（商用厨房）", "4 L/桶，4 桶/箱", Unit.PCS, 14, D("88.00")),
    ProductSeed("DM-5KG-RIN", "洗碗机专用催干剂", "5 kg/桶", Unit.PCS, 18, D("96.00")),
    ProductSeed("DM-10KG-DET", "洗碗机专用洗涤剂", "10 kg/桶", Unit.PCS, 18, D("138.00")),
    # Surfaces and floors
    ProductSeed("MC-500-SPR", "多功能清洁剂", "500 ml 喷雾瓶，24 瓶/箱", Unit.PCS, 7, D("9.90")),
    ProductSeed("MC-5L-CON", "多功能清洁剂（浓缩型）", "5 L/桶，稀释比例 1:50", Unit.PCS, 10, D("66.00")),
    ProductSeed("GC-500-SPR", "玻璃清洁剂", "500 ml 喷雾瓶，24 瓶/箱", Unit.PCS, 7, D("8.50")),
    ProductSeed("GC-4L", "玻璃清洁剂（补充装）", "4 L/桶", Unit.PCS, 10, D("42.00")),
    ProductSeed("FC-2L-PINE", "松木香地板清洁剂", "2 L/瓶，6 瓶/箱", Unit.PCS, 10, D("24.00")),
    ProductSeed("FC-20L-IND", "工业地面清洁剂（低泡）", "20 L/桶，洗地机适用", Unit.PCS, 14, D("185.00")),
    ProductSeed("FC-BULK", "地板清洁剂原液", "IBC 吨桶，按升计", Unit.L, 21, D("5.80")),
    ProductSeed("WX-5L", "地板蜡（高光）", "5 L/桶", Unit.PCS, 21, D("128.00")),
    ProductSeed("SS-500-SPR", "不锈钢清洁保养剂", "500 ml 喷雾瓶，12 瓶/箱", Unit.PCS, 14, D("28.00")),
    ProductSeed("CP-5L", "地毯清洗剂（低泡）", "5 L/桶", Unit.PCS, 18, D("79.00")),
    # Bathroom and disinfection
    ProductSeed("TC-750-BLU", "蓝泡泡洁厕剂", "750 ml/瓶，24 瓶/箱", Unit.PCS, 7, D("7.90")),
    ProductSeed("TC-BOX-24", "洁厕剂（整箱）", "24 × 750 ml/箱", Unit.BOX, 7, D("176.00")),
    ProductSeed("BT-500-SPR", "浴室除垢清洁剂", "500 ml 喷雾瓶，24 瓶/箱", Unit.PCS, 10, D("13.50")),
    ProductSeed("DS-84-1L", "84 消毒液", "1 L/瓶，12 瓶/箱，有效氯 5%", Unit.PCS, 10, D("9.80")),
    ProductSeed("DS-84-25KG", "84 消毒液（大桶）", "25 kg/桶，有效氯 5%", Unit.PCS, 12, D("98.00")),
    ProductSeed("DS-QAC-5L", "季铵盐消毒液（医用环境）", "5 L/桶", Unit.PCS, 21, D("115.00")),
    ProductSeed("DS-ALC-500", "75% 酒精消毒喷雾", "500 ml/瓶，24 瓶/箱", Unit.PCS, 14, D("16.80")),
    ProductSeed("DS-BULK", "含氯消毒液原液", "IBC 吨桶，按公斤计", Unit.KG, 25, D("3.60")),
    # Hand care
    ProductSeed("HS-500-ALO", "芦荟洗手液", "500 ml 按压瓶，24 瓶/箱", Unit.PCS, 7, D("11.50")),
    ProductSeed("HS-5L-REF", "洗手液（补充装）", "5 L/桶，4 桶/箱", Unit.PCS, 10, D("52.00")),
    ProductSeed("HS-FOAM-1L", "泡沫洗手液（皂液器用）", "1 L/袋，6 袋/箱", Unit.PCS, 14, D("23.00")),
    ProductSeed("HG-500", "免洗手消毒凝胶", "500 ml/瓶，24 瓶/箱", Unit.PCS, 14, D("19.50")),
    # Wipes
    ProductSeed("WP-80-BABY", "婴儿湿巾", "80 抽/包，24 包/箱", Unit.PCS, 14, D("8.90")),
    ProductSeed("WP-BOX-80", "婴儿湿巾（整箱）", "24 × 80 抽/箱", Unit.BOX, 14, D("198.00")),
    ProductSeed("WP-DIS-100", "消毒湿巾", "100 抽/桶，12 桶/箱", Unit.PCS, 18, D("22.00")),
    ProductSeed("WP-KIT-50", "厨房去油湿巾", "50 抽/包，24 包/箱", Unit.PCS, 14, D("9.50")),
    ProductSeed("WP-IND-ROLL", "工业擦拭布（无纺布卷）", "30 × 30 cm，500 张/卷", Unit.PCS, 21, D("46.00")),
    ProductSeed("WP-HTL-10", "酒店单片装湿巾", "单片独立包装，1000 片/箱", Unit.BOX, 21, D("230.00")),
    # Industrial and vehicle
    ProductSeed("ID-25KG-ALK", "碱性工业脱脂剂", "25 kg/桶", Unit.PCS, 21, D("210.00")),
    ProductSeed("ID-BULK", "工业脱脂剂（散装）", "200 kg/桶，按公斤计", Unit.KG, 25, D("8.40")),
    ProductSeed("PCB-5L", "电子元件清洗剂（中性）", "5 L/桶，无卤", Unit.PCS, 30, D("165.00")),
    ProductSeed("CW-20L", "洗车液（高泡）", "20 L/桶", Unit.PCS, 10, D("120.00")),
    ProductSeed("CW-BULK", "洗车液原液", "IBC 吨桶，按升计", Unit.L, 21, D("4.90")),
    ProductSeed("CW-WAX-1L", "水蜡洗车液", "1 L/瓶，12 瓶/箱", Unit.PCS, 14, D("26.00")),
    # Discontinued: kept for history, cannot be ordered.
    ProductSeed("LD-1L-OLD", "经典洗衣液（旧包装）", "1 L/瓶，已停产", Unit.PCS, 10, D("15.00"), is_active=False),
]

RUSH_REASONS = [
    "超市周年庆促销备货，客户要求提前到货",
    "酒店新店开业，客房清洁用品急需到位",
    "医院迎接卫生检查，消毒液库存不足",
    "客户原供应商断货，临时转单给我司",
    "出口订舱已确定，须赶船期",
]
REJECT_REASONS = [
    "单价低于合同价，请销售核对后重新提交",
    "交期无法满足，需与客户重新确认",
    "客户信用额度不足且未预付款",
]
HOLD_REASONS = [
    "客户要求暂停，等待新包装设计确认",
    "客户付款逾期，财务要求暂停",
    "原料香精到货延迟，暂停排产",
]
CANCEL_REASONS = [
    "客户邮件确认取消订单",
    "重复录入，作废",
    "客户改单，另行下单",
]
FAIL_QC_REASONS = [
    "pH 值超出规格（9.8 > 9.5），返工调整",
    "灌装量不足（抽检 3/50 瓶），返工",
]

# Which role takes each action in the generated histories.
ACTION_ROLES = {
    "created": "sales", "edited": "sales", "submit": "sales",
    "approve": "order_desk", "reject": "order_desk", "credit_acknowledged": "order_desk",
    "release_plan": "planner", "prepare_materials": "warehouse",
    "start_production": "production", "finish_production": "production",
    "pass_qc": "qc", "fail_qc": "qc", "ship": "shipping", "confirm_delivery": "shipping",
    "close": "order_desk", "hold": "order_desk", "resume": "order_desk",
    "cancel": "order_desk", "cancel_held": "order_desk",
}
# Typical time from the previous event to this one, in hours (low, high).
ACTION_GAP_HOURS = {
    "created": (0, 0), "edited": (1, 20), "submit": (0.2, 6), "credit_acknowledged": (1, 12),
    "approve": (0.05, 8), "reject": (1, 20), "release_plan": (4, 48), "prepare_materials": (12, 72),
    "start_production": (2, 24), "finish_production": (24, 120), "pass_qc": (4, 24), "fail_qc": (4, 24),
    "ship": (6, 48), "confirm_delivery": (24, 96), "close": (24, 168), "hold": (2, 48), "resume": (24, 96),
    "cancel": (2, 72), "cancel_held": (24, 96),
}
# The main line of the state machine, in order.
MAIN_PATH = ["submit", "approve", "release_plan", "prepare_materials", "start_production", "finish_production",
             "pass_qc", "ship", "confirm_delivery", "close"]
REACHED_BY = {
    S.SUBMITTED: "submit", S.APPROVED: "approve", S.PLANNED: "release_plan",
    S.MATERIALS_READY: "prepare_materials", S.IN_PRODUCTION: "start_production",
    S.AWAITING_QC: "finish_production", S.QC_PASSED: "pass_qc", S.SHIPPED: "ship",
    S.DELIVERED: "confirm_delivery", S.CLOSED: "close",
}
TARGET = {"submit": S.SUBMITTED, "approve": S.APPROVED, "release_plan": S.PLANNED,
          "prepare_materials": S.MATERIALS_READY, "start_production": S.IN_PRODUCTION,
          "finish_production": S.AWAITING_QC, "pass_qc": S.QC_PASSED, "fail_qc": S.IN_PRODUCTION,
          "ship": S.SHIPPED, "confirm_delivery": S.DELIVERED, "close": S.CLOSED, "reject": S.REJECTED,
          "hold": S.ON_HOLD, "cancel": S.CANCELLED, "cancel_held": S.CANCELLED}


def path_to(status):
    """The main-line actions that bring a new order to `status` (draft: none)."""
    if status == S.DRAFT:
        return []
    return MAIN_PATH[: MAIN_PATH.index(REACHED_BY[status]) + 1]


# --- users and catalog ------------------------------------------------------------------------

def ensure_role_users(*, password=None):
    """One user per role, named after the role, with a Chinese name, an e-mail and a language.
    Existing users keep their password unless they have none usable and `password` is given; the
    admin is also staff and superuser. Returns {role: user}."""
    User = get_user_model()
    users = {}
    for role in ROLES:
        full_name, mailbox, language = DEMO_USERS[role]
        user, created = User.objects.get_or_create(
            username=role,
            defaults={"first_name": full_name, "email": f"{mailbox}@{DEMO_EMAIL_DOMAIN}",
                      "is_staff": role == "admin", "is_superuser": role == "admin"})
        if created or (password and not user.has_usable_password()):
            if password:
                user.set_password(password)
            else:
                user.set_unusable_password()
            user.save(update_fields=["password"])
        user.groups.add(Group.objects.get(name=role))
        UserProfile.objects.get_or_create(user=user, defaults={"language": language})
        users[role] = user
    return users


def ensure_catalog(*, extra_customers=0, extra_products=0, rng=None):
    """The demo customers and products (created once, never overwritten), plus `extra_*` generated
    ones for scale data. Returns (customers, products) as lists of what may be ordered."""
    for seed in CUSTOMERS:
        Customer.objects.get_or_create(code=seed.code, defaults={
            "name": seed.name, "name_en": seed.name_en, "contact_name": seed.contact_name,
            "contact_phone": seed.contact_phone, "contact_email": seed.email,
            "billing_address": seed.address, "shipping_address": seed.address,
            "credit_limit": seed.credit_limit, "payment_terms": seed.payment_terms, "currency": seed.currency,
            "language": seed.language, "is_active": seed.is_active})
    for seed in PRODUCTS:
        Product.objects.get_or_create(sku=seed.sku, defaults={
            "name": seed.name, "specification": seed.specification, "unit": seed.unit,
            "standard_lead_time_days": seed.lead_days, "list_price": seed.price, "is_active": seed.is_active})
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


# --- demo orders through the real services ----------------------------------------------------

@dataclass
class DemoOrderPlan:
    status: str
    actions: list  # the service actions, in order (see _drive)
    customer_code: str | None = None
    rush: bool = False
    lines: int = 3


def demo_order_plans(rng):
    """About 60 orders covering every state, with the side roads a real factory sees: rush orders,
    rejections and resubmissions, a QC rework, holds (current and resumed) and cancellations."""
    plans = []

    def add(status, count, actions=None, **kwargs):
        for _i in range(count):
            plans.append(DemoOrderPlan(status=status, actions=list(actions if actions is not None
                                                                    else path_to(status)), **kwargs))

    add(S.DRAFT, 3)
    add(S.DRAFT, 1, rush=True)
    add(S.SUBMITTED, 3)
    add(S.SUBMITTED, 2, rush=True)
    add(S.SUBMITTED, 1, customer_code=LOW_CREDIT_CUSTOMER, lines=4)  # over the credit limit, not acknowledged
    add(S.REJECTED, 3, actions=["submit", "reject"])
    add(S.APPROVED, 3)
    add(S.APPROVED, 1, rush=True)
    add(S.APPROVED, 1, actions=["submit", "reject", "edited", "submit", "approve"])  # fixed and resubmitted
    add(S.PLANNED, 4)
    add(S.PLANNED, 1, customer_code=LOW_CREDIT_CUSTOMER, lines=4)  # approved with credit acknowledged
    add(S.MATERIALS_READY, 3)
    add(S.MATERIALS_READY, 1, rush=True)
    add(S.IN_PRODUCTION, 4)
    add(S.IN_PRODUCTION, 1, rush=True)
    add(S.IN_PRODUCTION, 1, actions=path_to(S.AWAITING_QC) + ["fail_qc"])  # QC rework
    add(S.AWAITING_QC, 3)
    add(S.AWAITING_QC, 1, rush=True)
    add(S.QC_PASSED, 4)
    add(S.SHIPPED, 3)
    add(S.SHIPPED, 1, rush=True)
    add(S.DELIVERED, 4)
    add(S.CLOSED, 3)
    add(S.CLOSED, 1, actions=path_to(S.AWAITING_QC) + ["fail_qc", "finish_production"] + MAIN_PATH[6:])
    add(S.CLOSED, 1, actions=["submit", "approve", "hold", "resume"] + MAIN_PATH[2:])  # held and resumed
    add(S.CLOSED, 1, customer_code="C016")  # history of inactive customers
    add(S.CLOSED, 1, customer_code="C020", rush=True)
    add(S.ON_HOLD, 1, actions=["submit", "hold"])
    add(S.ON_HOLD, 1, actions=path_to(S.IN_PRODUCTION) + ["hold"])
    add(S.ON_HOLD, 1, actions=path_to(S.QC_PASSED) + ["hold"])
    add(S.CANCELLED, 1, actions=["cancel"])  # withdrawn before submission
    add(S.CANCELLED, 1, actions=["submit", "cancel"])
    add(S.CANCELLED, 1, actions=path_to(S.PLANNED) + ["cancel"])
    add(S.CANCELLED, 1, actions=["submit", "approve", "hold", "cancel_held"])
    rng.shuffle(plans)
    return plans


def _demo_lines(rng, products, count, *, big=False):
    chosen = rng.sample(products, k=min(count, len(products)))
    lines = []
    for product in chosen:
        lines.append(services.LineInput(product, _quantity(rng, product, big=big), _price(rng, product)))
    return lines


def _quantity(rng, product, *, big=False):
    if product.unit in (Unit.KG, Unit.L):
        low, high = (800, 5000) if big else (100, 2000)
        return Decimal(rng.randint(low, high) * 5)
    if product.unit == Unit.BOX:
        return Decimal(rng.randint(20, 200) if big else rng.randint(5, 80))
    return Decimal(rng.randint(200, 1500) * 4 if big else rng.randint(12, 400) * 6)


def _price(rng, product):
    discount = Decimal(rng.choice(["1", "1", "0.97", "0.95", "0.92"]))
    return (product.list_price * discount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _lead_days(rng, products, rush):
    standard = max(p.standard_lead_time_days for p in products)
    if rush:
        return max(2, int(standard * rng.uniform(0.3, 0.7)))
    return standard + rng.randint(0, 20)


def seed_demo(*, now=None, rng_seed=2026):
    """Create the demo data set. Returns a summary dict; orders are skipped (not duplicated) when the
    demo customers already have orders. Runs in one transaction: all or nothing."""
    rng = random.Random(rng_seed)
    with transaction.atomic():
        users = ensure_role_users(password=DEMO_PASSWORD)
        _customers, products = ensure_catalog()
        demo_codes = [c.code for c in CUSTOMERS]
        if Order.objects.filter(customer__code__in=demo_codes).exists():
            return {"users": len(users), "customers": len(CUSTOMERS), "products": len(PRODUCTS), "orders": 0,
                    "skipped": True}
        by_code = {c.code: c for c in Customer.objects.filter(code__in=demo_codes)}
        regular = [by_code[c.code] for c in CUSTOMERS if c.is_active and c.code != LOW_CREDIT_CUSTOMER]
        now = now or timezone.now()
        plans = demo_order_plans(rng)
        # Oldest history first, so that the order numbers grow with the creation dates.
        timed = sorted(((_history_span(rng, plan), plan) for plan in plans), key=lambda item: -item[0][0])
        for (_age, waiting), plan in timed:
            customer = by_code[plan.customer_code] if plan.customer_code else rng.choice(regular)
            _make_demo_order(plan, customer=customer, products=products, users=users, rng=rng,
                             last_event_at=now - waiting)
    return {"users": len(users), "customers": len(CUSTOMERS), "products": len(PRODUCTS), "orders": len(plans),
            "skipped": False}


def _gap(rng, action):
    return timedelta(hours=rng.uniform(*ACTION_GAP_HOURS[action]))


def _history_span(rng, plan):
    """(about how old the order is, how long ago its last event was): a finished order lies further
    in the past, an open one has waited hours or days for its next step."""
    waiting = timedelta(hours=rng.uniform(1, 60))
    if plan.status in (S.CLOSED, S.CANCELLED, S.REJECTED):
        waiting += timedelta(days=rng.uniform(1, 45))
    steps = ["created"] + plan.actions
    return sum((_gap(rng, a) for a in steps), timedelta()) + waiting, waiting


# (internal notes, notes for the customer): the first are for staff only, the second printed for the customer.
DEMO_NOTES = [
    ("", ""), ("", ""),
    ("内部备注：客户首单，注意付款情况", "送货前请电话联系收货仓库"),
    ("外箱需贴客户条码，包装组注意", "外箱贴贵司条码"),
    ("客户仓库小，分两批送货", "本订单分两批送货"),
]


def _make_demo_order(plan, *, customer, products, users, rng, last_event_at):
    sales = users["sales"]
    big = plan.customer_code == LOW_CREDIT_CUSTOMER  # over its credit limit on purpose
    lines = _demo_lines(rng, products, plan.lines if big else rng.choice([1, 2, 2, 3, 3, 3, 4, 5, 6]), big=big)
    lead = _lead_days(rng, [ln.product for ln in lines], plan.rush)
    reactivate = not customer.is_active  # history of a customer that is inactive today
    if reactivate:
        Customer.objects.filter(pk=customer.pk).update(is_active=True)
        customer.is_active = True
    # One draw for both notes (as many choices as before, so the rest of the demo stays the same).
    internal_notes, customer_notes = rng.choice(DEMO_NOTES)
    order = services.create_order(
        actor=sales, customer=customer, requested_date=timezone.localdate() + timedelta(days=lead), lines=lines,
        channel=rng.choice([Channel.BROWSER, Channel.BROWSER, Channel.PHONE, Channel.EMAIL, Channel.IMPORT]),
        customer_po=f"PO{last_event_at:%y%m}-{rng.randint(1000, 9999)}" if rng.random() < 0.8 else "",
        priority=Priority.RUSH if plan.rush else Priority.NORMAL,
        rush_reason=rng.choice(RUSH_REASONS) if plan.rush else "",
        internal_notes=internal_notes, customer_notes=customer_notes)
    for action in plan.actions:
        order = _drive(order, action, users=users, rng=rng, lines=lines)
    if reactivate:
        Customer.objects.filter(pk=customer.pk).update(is_active=False)
        customer.is_active = False
    if order.status != plan.status:
        raise RuntimeError(f"{order.number} ended {order.status}, planned {plan.status}")
    _backdate(order, last_event_at=last_event_at, lead_days=lead, rng=rng)


def _drive(order, action, *, users, rng, lines):
    actor = users[ACTION_ROLES[action]]
    if action == "submit":
        return services.submit_order(actor=actor, order=order)
    if action == "edited":
        fixed = [services.LineInput(ln.product, ln.quantity, ln.product.list_price) for ln in lines]
        return services.update_order(actor=actor, order=order, customer=order.customer,
                                     requested_date=order.requested_date + timedelta(days=7), lines=fixed,
                                     customer_po=order.customer_po, priority=order.priority,
                                     rush_reason=order.rush_reason, internal_notes=order.internal_notes,
                                     customer_notes=order.customer_notes)
    if action == "approve":
        return services.approve_order(actor=actor, order=order, acknowledge_credit=True)
    if action == "reject":
        return services.reject_order(actor=actor, order=order, reason=rng.choice(REJECT_REASONS))
    if action == "hold":
        return services.hold_order(actor=actor, order=order, reason=rng.choice(HOLD_REASONS))
    if action in ("cancel", "cancel_held"):
        actor = users["sales"] if order.status == S.DRAFT else actor  # sales withdraw their own draft
        return services.cancel_order(actor=actor, order=order, reason=rng.choice(CANCEL_REASONS))
    note = rng.choice(FAIL_QC_REASONS) if action == "fail_qc" else ""
    return services.transition_order(actor=actor, order=order, action=action, note=note)


def _backdate(order, *, last_event_at, lead_days, rng):
    """Spread a freshly made order's history over the past, ending at `last_event_at`: each event
    lies a typical gap for its action after the one before, and the order's dates follow. Done once
    while seeding (the event log is otherwise append-only)."""
    events = list(OrderEvent.objects.filter(order=order).order_by("id"))
    times = [last_event_at]
    for event in reversed(events[1:]):
        times.append(times[-1] - _gap(rng, event.action))
    times.reverse()
    # The plain manager and the trigger's seeding switch: history is refused updates, rightly, elsewhere.
    with backdating():
        for event, at in zip(events, times, strict=True):
            OrderEvent._base_manager.filter(pk=event.pk).update(created_at=at)
    submitted = [t for e, t in zip(events, times, strict=True) if e.action == "submit"]
    approved = [t for e, t in zip(events, times, strict=True) if e.action == "approve"]
    requested = timezone.localtime(times[0]).date() + timedelta(days=lead_days)
    Order.objects.filter(pk=order.pk).update(
        created_at=times[0], updated_at=times[-1],
        submitted_at=submitted[-1] if submitted else None, approved_at=approved[-1] if approved else None,
        requested_date=requested,
        promised_date=requested + timedelta(days=rng.choice([0, 0, 0, 2, 5])) if approved else None)
    if order.status in (S.SHIPPED, S.DELIVERED, S.CLOSED) or order.held_from == S.SHIPPED:
        for line in OrderLine.objects.filter(order=order):
            OrderLine.objects.filter(pk=line.pk).update(shipped_quantity=line.quantity)


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


def _reserve_numbers(year, count):
    """Take `count` consecutive numbers of `year` from the same sequence row services use."""
    OrderNumberSequence.objects.get_or_create(year=year)
    seq = OrderNumberSequence.objects.select_for_update().get(year=year)
    first = seq.last + 1
    seq.last += count
    seq.save(update_fields=["last"])
    return first


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
    Numbers come from OrderNumberSequence per creation year. `progress(done, total)` is called after
    each batch."""
    rng = random.Random(rng_seed)
    now = now or timezone.now()
    users = ensure_role_users()
    customers, products = ensure_catalog(extra_customers=min(2000, count // 100),
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
            first = _reserve_numbers(year, len(year_plans))
            for offset, plan in enumerate(year_plans):
                order, lines = _build_order(plan, f"SO-{year}-{first + offset:05d}", rng=rng, sales_id=sales_id)
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
    lead = _lead_days(rng, plan.products, plan.rush)
    requested = created_date + timedelta(days=lead)
    shipped = plan.status in (S.SHIPPED, S.DELIVERED, S.CLOSED) or plan.held_from == S.SHIPPED
    lines = []
    total = Decimal("0")
    for line_no, product in enumerate(plan.products, start=1):
        quantity = _quantity(rng, product)
        price = _price(rng, product)
        total += line_amount(quantity, price)
        lines.append({"line_no": line_no, "product_id": product.pk, "quantity": quantity, "unit_price": price,
                      "requested_date": None, "shipped_quantity": quantity if shipped else Decimal("0")})
    customer_po = f"PO{created_date:%y%m%d}-{rng.randint(100, 999)}" if rng.random() < 0.7 else ""
    times = {action: at for action, _f, _t, at, _n in plan.events}  # last time of each action
    reason = next((note for action, _f, _t, _at, note in reversed(plan.events)
                   if action in ("reject", "hold", "cancel")), "")
    standard = max(p.standard_lead_time_days for p in plan.products)
    order = {
        "search_text": search_words(number, customer_po, plan.customer, plan.products),
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
