#!/usr/bin/python3
"""Writes a small seed corpus for decode_fuzzer: valid JPEG, PNG and WebP files covering the decoder
paths (baseline/progressive/gray/CMYK/EXIF-rotated JPEG, RGB/RGBA/gray/1-bit/16-bit/palette+tRNS PNG,
lossy/lossless/alpha WebP). Seeds are generated rather than committed so the repo holds no binaries.

Needs Debian's python3-pil (run with /usr/bin/python3). Usage: fuzz/make_seed_corpus.py [OUT_DIR]
(default build/fuzz/corpus/decode).
"""
import io
import pathlib
import sys

from PIL import Image

OUT = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/fuzz/corpus/decode")


def picture(mode, size=(24, 16)):
    """A small gradient with a corner mark, in any PIL mode."""
    image = Image.new("RGB", size)
    image.putdata([(x * 10 % 256, y * 15 % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])])
    image.paste((255, 0, 0), (0, 0, 4, 4))
    image = image.convert(mode)
    if mode == "RGBA":  # varying alpha, so encoders keep the channel
        image.putalpha(picture("L", size))
    return image


def exif_orientation(value):
    exif = Image.Exif()
    exif[0x0112] = value
    return exif.tobytes()


def save(name, image, fmt, **options):
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    (OUT / name).write_bytes(buffer.getvalue())


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    save("baseline.jpg", picture("RGB"), "JPEG", quality=80)
    save("progressive.jpg", picture("RGB"), "JPEG", progressive=True)
    save("gray.jpg", picture("L"), "JPEG")
    save("cmyk.jpg", picture("CMYK"), "JPEG")
    save("subsampling444.jpg", picture("RGB"), "JPEG", subsampling=0)
    save("exif6.jpg", picture("RGB"), "JPEG", exif=exif_orientation(6))
    save("rgb.png", picture("RGB"), "PNG")
    save("rgba.png", picture("RGBA"), "PNG")
    save("gray.png", picture("L"), "PNG")
    save("gray16.png", Image.eval(picture("L").convert("I"), lambda v: v * 257), "PNG")
    save("bilevel.png", picture("1"), "PNG")
    palette = picture("P")
    palette.info["transparency"] = 0
    save("palette_trns.png", palette, "PNG")
    save("lossy.webp", picture("RGB"), "WEBP", quality=60)
    save("lossless.webp", picture("RGB"), "WEBP", lossless=True)
    save("alpha.webp", picture("RGBA"), "WEBP")
    print(f"wrote {len(list(OUT.iterdir()))} seeds to {OUT}")


if __name__ == "__main__":
    main()
