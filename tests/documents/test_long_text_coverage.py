"""Every kind of PDF the app makes has a test that prints 200-character Chinese and space-less Latin values
in its text fields and reads every character back (tests.fixtures.pdf_text). A new kind of document fails
here until it has one."""

import importlib

from documents import registry

LONG_TEXT_TESTS = {
    "order_confirmation": ("tests.documents.test_order_confirmation",
                           "test_long_text_wraps_and_every_character_is_printed"),
    "delivery_note": ("tests.shipping.test_delivery_note", "test_long_text_wraps_and_every_character_is_printed"),
    "material_prep_sheet": ("tests.inventory.test_prep_sheets",
                            "test_long_text_on_the_prep_sheet_wraps_and_every_character_is_printed"),
    "inspection_report": ("tests.quality.test_report", "test_long_text_wraps_and_every_character_is_printed"),
    "production_notice": ("tests.rush.test_rush_review",
                          "test_long_text_on_the_production_notice_wraps_and_every_character_is_printed"),
    "rush_review_record": ("tests.rush.test_seed003_forms",
                           "test_long_text_on_the_review_record_wraps_and_every_character_is_printed"),
    "exception_report": ("tests.rush.test_seed003_forms",
                         "test_long_text_on_the_exception_form_wraps_and_every_character_is_printed"),
    "material_delay_request": ("tests.inventory.test_material_delay_approval",
                               "test_long_text_on_the_material_delay_request_wraps_and_every_character_is_printed"),
    "production_plan": ("tests.planning.test_daily_plan",
                        "test_long_text_on_the_production_plan_wraps_and_every_character_is_printed"),
    "rush_summary": ("tests.rush.test_completion_summary",
                     "test_long_text_on_the_rush_summary_wraps_and_every_character_is_printed"),
    "quotation": ("tests.sales.test_pdf_long_text",
                  "test_long_text_on_the_quotation_wraps_and_every_character_is_printed"),
    "contract": ("tests.sales.test_pdf_long_text",
                 "test_long_text_on_the_contract_wraps_and_every_character_is_printed"),
    "finished_goods_receipt": ("tests.inventory.test_finished_goods_receipts",
                               "test_long_text_on_the_receipt_wraps_and_every_character_is_printed"),
    "invoice": ("tests.settlement.test_overdue_export_pdf",
                "test_long_text_on_the_invoice_wraps_and_every_character_is_printed"),
}


def test_every_kind_of_document_has_a_long_text_test():
    assert {kind.name for kind in registry.all_kinds()} == set(LONG_TEXT_TESTS)
    for module, name in LONG_TEXT_TESTS.values():
        assert callable(getattr(importlib.import_module(module), name, None)), f"{module}.{name}"
