"""Work instruction demo data (作业指导书) for `seed_planning_demo`: every filling operation of the liquid
products gets an instruction, the first ones with a PDF instruction sheet and a photo-like drawing of the
filling head, and the first one a second version (so the routing page shows versions); the mixing of the
bases and the labelling get theirs too. Written through planning.work_instructions as the demo planner;
operations that already have an instruction are left as they are (safe to repeat)."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from .models import RoutingOperation, WorkInstruction
from .work_instructions import save_work_instruction

FILLING = ("1. 开机前确认灌装头已清洁，批号与工单一致。\n"
           "2. 首件称重：净含量须在标示量的 −1% 至 +2% 之间，记录在首件检验表。\n"
           "3. 每 30 分钟抽检 5 瓶净含量；超差立即停机并报告班长。\n"
           "4. 瓶口无残液，瓶身无划伤。")
FILLING_V2 = FILLING + "\n5. 换批时排空管路并用纯水冲洗 2 分钟（2026 年新规）。"
MIXING = ("1. 按配料单顺序投料，每种物料投料后搅拌不少于 5 分钟。\n"
          "2. 全部投料后搅拌 20 分钟，静置 60 分钟后取样。\n"
          "3. 佩戴护目镜和耐酸碱手套。")
LABELLING = ("1. 标签居中，上下偏差不超过 2 mm，无气泡、无褶皱。\n"
             "2. 旋盖扭力 1.2–1.5 N·m，每小时抽检 3 瓶。\n"
             "3. 喷码日期与批号清晰可读。")


def _pdf(title):
    """A one-page PDF (Helvetica, ASCII text) with correct cross-reference offsets: the instruction sheet."""
    text = f"BT /F1 20 Tf 72 760 Td ({title}) Tj 0 -32 Td /F1 12 Tf (Work instruction sheet - see the tablet " \
           f"text for the steps.) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text.encode()),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = io.BytesIO(), []
    out.write(b"%PDF-1.4\n")
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    start = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, start))
    return out.getvalue()


def _drawing(label):
    """A PNG sketch: a bottle under a filling nozzle, with the fill line."""
    image = Image.new("RGB", (480, 320), "#f5f7fa")
    draw = ImageDraw.Draw(image)
    draw.rectangle([200, 20, 280, 70], outline="#17324f", width=4)  # filling head
    draw.line([240, 70, 240, 130], fill="#17324f", width=6)  # nozzle
    draw.rounded_rectangle([180, 130, 300, 300], radius=18, outline="#1f5fbf", width=5)  # bottle
    draw.line([180, 160, 300, 160], fill="#c62828", width=3)  # fill line
    draw.text((310, 152), "fill line", fill="#c62828")
    draw.text((20, 20), label, fill="#17324f")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _uploads(code):
    return [SimpleUploadedFile(f"{code}-filling.pdf", _pdf(f"{code} filling"), content_type="application/pdf"),
            SimpleUploadedFile(f"{code}-nozzle.png", _drawing(code), content_type="image/png")]


def seed_work_instructions(actor, *, with_files=3):
    """Instructions for the active routings' filling, mixing and labelling operations; how many were written."""
    operations = (RoutingOperation.objects.filter(routing__is_active=True, routing__item__is_active=True)
                  .select_related("routing__item", "work_center").order_by("routing__item__code", "sequence"))
    existing = set(WorkInstruction.objects.values_list("item_id", "sequence"))
    written = files = 0
    for op in operations:
        item, center = op.routing.item, op.work_center.code
        if (item.pk, op.sequence) in existing:
            continue
        text = {"FILL-S": FILLING, "FILL-L": FILLING, "MIX": MIXING, "LABEL": LABELLING}.get(center)
        if text is None:
            continue
        filling = center.startswith("FILL")
        uploads = _uploads(item.code) if filling and files < with_files else []
        instruction = save_work_instruction(actor=actor, item=item, sequence=op.sequence, text=text, uploads=uploads)
        if uploads and files == 0:  # the first one also gets a second version, keeping its attachments
            save_work_instruction(actor=actor, item=item, sequence=op.sequence, text=FILLING_V2,
                                  change_note="增加换批冲洗要求",
                                  keep_attachments=[a.pk for a in instruction.attachments.all()])
        files += bool(uploads)
        written += 1
    return written
