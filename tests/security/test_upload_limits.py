"""Uploads: a quality attachment that is an image is checked for its pixel count from its header (a
30000×30000 PNG is a decompression bomb even when the file is small), and a file Pillow cannot read as the
image it claims to be is refused. Bodies over the URL's limit are refused before they are read
(tests/security/test_bad_input.py)."""

import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from quality.models import InspectionAttachment
from tests.quality.setup import give_plan, made_product, order_awaiting_qc
from tests.quality.test_pages import small_png
from tests.security.test_bad_input import signed_in

pytestmark = pytest.mark.django_db


def png_header(width, height):
    """A PNG declaring width × height pixels, a few hundred bytes long (the pixels are never decoded)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


@pytest.fixture
def upload_page(sales, role_users, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    qc = role_users["qc"]
    product = made_product(sku="BOMB-1")
    give_plan(product, actor=qc)
    _order, inspection = order_awaiting_qc(sales, product)
    return signed_in(qc), reverse("quality:attachment_upload", args=[inspection.pk])


def test_a_30000_by_30000_png_is_refused_with_its_size(upload_page):
    client, url = upload_page
    bomb = SimpleUploadedFile("bomb.png", png_header(30000, 30000), content_type="image/png")
    page = client.post(url, {"file": bomb}, follow=True).content.decode()
    assert "The photo has more than 50 million pixels, the most that is accepted." in page
    assert not InspectionAttachment.objects.exists()


def test_a_png_over_our_limit_but_under_pillows_is_refused_with_its_size(upload_page):
    client, url = upload_page
    bomb = SimpleUploadedFile("big.png", png_header(9000, 9000), content_type="image/png")
    page = client.post(url, {"file": bomb}, follow=True).content.decode()
    assert "9,000 × 9,000 pixels; at most 50 million pixels are accepted." in page
    assert not InspectionAttachment.objects.exists()


def test_an_image_just_under_the_limit_header_and_a_real_photo_pass_the_pixel_check(upload_page, settings):
    client, url = upload_page
    settings.QUALITY_ATTACHMENT_MAX_PIXELS = 16
    client.post(url, {"file": SimpleUploadedFile("ok.png", small_png(), content_type="image/png")})
    assert InspectionAttachment.objects.count() == 1
    settings.QUALITY_ATTACHMENT_MAX_PIXELS = 15
    page = client.post(url, {"file": SimpleUploadedFile("ok.png", small_png(), content_type="image/png")},
                       follow=True).content.decode()
    assert "4 × 4 pixels" in page and InspectionAttachment.objects.count() == 1


def test_a_file_with_a_png_signature_that_is_no_image_is_refused(upload_page):
    client, url = upload_page
    fake = SimpleUploadedFile("fake.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100, content_type="image/png")
    page = client.post(url, {"file": fake}, follow=True).content.decode()
    assert "This photo cannot be read" in page
    assert not InspectionAttachment.objects.exists()
