"""Demo data for `manage.py seed_demo` (`make run`): one catalog of users, customers and products (a
cleaning-products factory) and the demo orders.

* `seed_demo()` makes a small, realistic data set for `make run`: one user per role, ~20 customers,
  ~50 products and ~45 orders in the states the order desk and the shop reach on their own (draft to
  awaiting QC, holds, rejections, cancellations). Orders are made and moved through the real services
  (orders.services), so each one has the events, alerts and warnings a real order would have. The demo
  orders that go past QC (passed, shipped, delivered, closed, a QC rework) are made by the shipping demo
  (shipping/demo_data.py, run last), because those steps are conditions on quality's inspections and
  shipping's shipments: they need the inspection plans, stock items and finished-goods location that
  the later seeds create, and they are taken through those stages' services (`make_demo_orders` with the
  stage's `drive`). Afterwards the order's timestamps are spread back over the past weeks, so
  that timelines, lead times and "late" orders look like a factory's history instead of one minute.
* The scale data for the benchmarks (`seed_demo --orders N`) is orders.scale_data; it reuses this
  catalog, the role users and the step times below.

Neither is reachable from the web interface; the management command refuses to run on a
non-DEBUG site unless forced, because demo users share one published password.
"""

import random
from dataclasses import dataclass
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from accounts.models import UserProfile
from accounts.roles import ROLES
from audit.changes import record_change
from history.triggers import backdating

from . import services
from .masterdata_services import CUSTOMER_CHILDREN
from .models import (
    Channel,
    Customer,
    Order,
    OrderEvent,
    OrderStatus,
    PaymentTerms,
    Priority,
    Product,
    Unit,
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
    "production_head": ("孙军", "sun.jun", "zh-hans"),
    "qc": ("杨静", "yang.jing", "zh-hans"),
    "shipping": ("赵磊", "zhao.lei", "zh-hans"),
    "manager": ("黄敏", "huang.min", "en"),
    "general_manager": ("吴刚", "wu.gang", "zh-hans"),
    "customer_service": ("郑丽", "zheng.li", "zh-hans"),
    "finance": ("冯霞", "feng.xia", "zh-hans"),
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
# Other events the stages write on an order's timeline while the demo drives it (an NCR's at-risk flag…).
OTHER_GAP_HOURS = (0.5, 6)
# Steps a later stage takes with its own records (inspections, shipments): conditions of the order's
# transitions (orders.stage_hooks), so the orders demo cannot take them; the shipping demo does.
STAGE_ACTIONS = {"pass_qc", "fail_qc", "ship", "confirm_delivery", "close"}
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


# The demo customers' classification (seed 001 "客户分类、信用等级"): code, grade, credit grade, industry, region.
_CLASSES = """C001 A excellent 百货零售 华南|C002 A good 酒店 华南|C003 B good 物业服务 华东
C004 B good 清洁用品批发 华东|C005 A excellent 医院后勤 华北|C006 B fair 汽车服务 西南
C007 B good 餐饮 华中|C008 A good 家居零售 华东|C009 C fair 电子制造 华南
C010 B good 清洁服务 华东|C011 A excellent 航空配餐 华南|C012 C poor 洗衣服务 华北
C013 C fair 日化经销 华南|C014 A good 贸易 海外|C015 B good 物流园区 华北
C016 C poor 零售 华东|C017 B fair 便利店 华中|C018 B good 食品加工 华中
C019 B good 卫生用品经销 海外|C020 A good 酒店 华东"""
CUSTOMER_CLASSES = {row.split()[0]: dict(zip(("grade", "credit_grade", "industry", "region"), row.split()[1:],
                                             strict=True)) for row in _CLASSES.replace("\n", "|").split("|")}


def ensure_catalog(*, actor=None):
    """The demo customers and products (created once, never overwritten), each creation logged in the change
    log as `actor` as the master-data services log theirs, so their pages' history starts with it. Returns
    (customers, products) as lists of what may be ordered."""
    for seed in CUSTOMERS:
        customer, created = Customer.objects.get_or_create(code=seed.code, defaults={
            "name": seed.name, "name_en": seed.name_en, "contact_name": seed.contact_name,
            "contact_phone": seed.contact_phone, "contact_email": seed.email,
            "billing_address": seed.address, "shipping_address": seed.address,
            "credit_limit": seed.credit_limit, "payment_terms": seed.payment_terms, "currency": seed.currency,
            "language": seed.language, "is_active": seed.is_active, **CUSTOMER_CLASSES.get(seed.code, {})})
        if created:
            record_change(customer, actor=actor, children=CUSTOMER_CHILDREN)
    for seed in PRODUCTS:
        product, created = Product.objects.get_or_create(sku=seed.sku, defaults={
            "name": seed.name, "specification": seed.specification, "unit": seed.unit,
            "standard_lead_time_days": seed.lead_days, "list_price": seed.price, "is_active": seed.is_active})
        if created:
            record_change(product, actor=actor)
    return (list(Customer.objects.filter(is_active=True).order_by("code")),
            list(Product.objects.filter(is_active=True).order_by("sku")))




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


def needs_stages(plan):
    """Whether a demo order's path takes a step of a later stage (STAGE_ACTIONS)."""
    return bool(STAGE_ACTIONS.intersection(plan.actions))


def _demo_lines(rng, products, count, *, big=False):
    chosen = rng.sample(products, k=min(count, len(products)))
    lines = []
    for product in chosen:
        lines.append(services.LineInput(product, quantity_for(rng, product, big=big), price_for(rng, product)))
    return lines


def quantity_for(rng, product, *, big=False):
    if product.unit in (Unit.KG, Unit.L):
        low, high = (800, 5000) if big else (100, 2000)
        return Decimal(rng.randint(low, high) * 5)
    if product.unit == Unit.BOX:
        return Decimal(rng.randint(20, 200) if big else rng.randint(5, 80))
    return Decimal(rng.randint(200, 1500) * 4 if big else rng.randint(12, 400) * 6)


def price_for(rng, product):
    discount = Decimal(rng.choice(["1", "1", "0.97", "0.95", "0.92"]))
    return (product.list_price * discount).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def lead_days_for(rng, products, rush):
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
        _customers, products = ensure_catalog(actor=users["admin"])
        demo_codes = [c.code for c in CUSTOMERS]
        if Order.objects.filter(customer__code__in=demo_codes).exists():
            return {"users": len(users), "customers": len(CUSTOMERS), "products": len(PRODUCTS), "orders": 0,
                    "skipped": True}
        plans = [plan for plan in demo_order_plans(rng) if not needs_stages(plan)]
        make_demo_orders(plans, users=users, products=products, rng=rng, now=now or timezone.now())
    return {"users": len(users), "customers": len(CUSTOMERS), "products": len(PRODUCTS), "orders": len(plans),
            "skipped": False}


def make_demo_orders(plans, *, users, products, rng, now, drive=None):
    """Make the demo orders of `plans`, oldest history first (so that the order numbers grow with the
    creation dates), each moved by `drive(order, action, users=, rng=, lines=)` (default: drive_step)."""
    demo_codes = [c.code for c in CUSTOMERS]
    by_code = {c.code: c for c in Customer.objects.filter(code__in=demo_codes)}
    regular = [by_code[c.code] for c in CUSTOMERS if c.is_active and c.code != LOW_CREDIT_CUSTOMER]
    timed = sorted(((_history_span(rng, plan), plan) for plan in plans), key=lambda item: -item[0][0])
    for (_age, waiting), plan in timed:
        customer = by_code[plan.customer_code] if plan.customer_code else rng.choice(regular)
        _make_demo_order(plan, customer=customer, products=products, users=users, rng=rng,
                         last_event_at=now - waiting, drive=drive or drive_step)


def _gap(rng, action):
    return timedelta(hours=rng.uniform(*ACTION_GAP_HOURS.get(action, OTHER_GAP_HOURS)))


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


def _make_demo_order(plan, *, customer, products, users, rng, last_event_at, drive):
    sales = users["sales"]
    big = plan.customer_code == LOW_CREDIT_CUSTOMER  # over its credit limit on purpose
    lines = _demo_lines(rng, products, plan.lines if big else rng.choice([1, 2, 2, 3, 3, 3, 4, 5, 6]), big=big)
    lead = lead_days_for(rng, [ln.product for ln in lines], plan.rush)
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
        order = drive(order, action, users=users, rng=rng, lines=lines)
    if reactivate:
        Customer.objects.filter(pk=customer.pk).update(is_active=False)
        customer.is_active = False
    if order.status != plan.status:
        raise RuntimeError(f"{order.number} ended {order.status}, planned {plan.status}")
    _backdate(order, last_event_at=last_event_at, lead_days=lead, rng=rng)


def drive_step(order, action, *, users, rng, lines):
    """Take one step of a demo order's path through the orders services, as the role that takes it."""
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
