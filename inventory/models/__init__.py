"""Inventory models, by sub-area: items & BOMs, stock, purchasing, prep sheets, MRP runs, value and warnings.

Everything is re-exported here, so `from inventory.models import X` keeps working.
"""
from history.models import AppendOnlyModel, AppendOnlyQuerySet, Event  # noqa: F401

from .finished_goods import (  # noqa: F401
    FinishedGoodsReceipt,
    FinishedGoodsReceiptConfirmation,
    FinishedGoodsReceiptLine,
)
from .items import (  # noqa: F401
    MAX_SCRAP_PERCENT,
    PERCENT,
    QTY_FACTOR,
    STANDARD_CONVERSIONS,
    BillOfMaterials,
    BOMLine,
    Item,
    ItemType,
    Sourcing,
    UnitConversion,
)
from .mrp import PURCHASED_KINDS, MrpForecast, MrpLine, MrpLineDemand, MrpRun, PlanLineKind  # noqa: F401
from .prep_sheets import (  # noqa: F401
    ISSUE_PERM,
    ISSUED_SHEET,
    OPEN_SHEET,
    MaterialPrepSheet,
    MaterialPrepSheetEvent,
    MaterialPrepSheetLine,
    PrepSheetAction,
    PrepSheetMove,
    PrepSheetMoveKind,
    PrepSheetPrintBatch,
    PrepSheetStatus,
)
from .purchasing import (  # noqa: F401
    APPROVE_PR,
    CHANGE_PO,
    DECIDE_MATERIAL_DELAY,
    PO_OPEN,
    PR_LIVE,
    PR_NEXT_STEP,
    GoodsReceipt,
    MaterialDelay,
    MaterialDelayAction,
    MaterialDelayEvent,
    MaterialDelayStatus,
    PurchaseOrder,
    PurchaseOrderAction,
    PurchaseOrderEvent,
    PurchaseOrderLine,
    PurchaseOrderStatus,
    PurchaseRequest,
    PurchaseRequestStatus,
    Supplier,
)
from .stock import (  # noqa: F401
    LOT_TRANSITION,
    Location,
    Lot,
    LotEvent,
    LotStatus,
    ManualPosting,
    MoveKind,
    Reservation,
    ReservationStatus,
    StockBalance,
    StockMove,
    Warehouse,
)
from .valuation import (  # noqa: F401
    ItemCategory,
    ItemCost,
    StockWarning,
    StockWarningRule,
    WarningKind,
)
