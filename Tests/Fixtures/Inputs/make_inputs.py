#!/usr/bin/env python3
"""Writes the small input files of the reliability tests and the fuzzers' seed corpus, with the
standard library only (zlib, struct): PNGs of every colour type and bit depth the course accepts,
two broken PNGs, and a safetensors file with several dtypes. Run it from this folder; the output
is deterministic, so re-running changes nothing."""
import json
import struct
import zlib

W, H = 12, 10


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(bit_depth, color_type, rows, palette=None, trns=None, interlace=0, extra=()):
    out = b"\x89PNG\r\n\x1a\n"
    out += chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, bit_depth, color_type, 0, 0, interlace))
    for kind, data in extra:
        out += chunk(kind, data)
    if palette:
        out += chunk(b"PLTE", bytes(v for rgb in palette for v in rgb))
    if trns:
        out += chunk(b"tRNS", bytes(trns))
    out += chunk(b"IDAT", zlib.compress(rows, 9))
    return out + chunk(b"IEND", b"")


def sample(c, y, x, bits):
    """A smooth pattern with an edge, different per channel."""
    v = (x * 21 + y * 13 + c * 40) % 256 if x < 8 else 255 - c * 60
    return v * 257 if bits == 16 else v


def alpha(y, x, bits):
    a = [255, 0, 128, 255, 64, 200][(x + y) % 6]
    return a * 257 if bits == 16 else a


def direct(bits, color_type):
    colour = color_type & 2 != 0
    has_alpha = color_type & 4 != 0
    fmt = ">H" if bits == 16 else ">B"
    raw = b""
    for y in range(H):
        raw += b"\x00"
        for x in range(W):
            for c in range(3 if colour else 1):
                raw += struct.pack(fmt, sample(c, y, x, bits))
            if has_alpha:
                raw += struct.pack(fmt, alpha(y, x, bits))
    return raw


def interlaced_rgb8():
    """Adam7: the seven passes, each a small image of its own rows."""
    passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
    raw = b""
    for x0, y0, dx, dy in passes:
        xs, ys = range(x0, W, dx), range(y0, H, dy)
        if not xs or not ys:
            continue
        for y in ys:
            raw += b"\x00" + bytes(sample(c, y, x, 8) for x in xs for c in range(3))
    return png(8, 2, raw, interlace=1)


def palette_with_transparency():
    palette = [(255, 0, 0), (0, 128, 255), (10, 20, 30), (200, 200, 0)]
    raw = b""
    for y in range(H):
        indices = [(x + y) % 4 for x in range(W)]
        packed = bytearray()
        for i in range(0, W, 4):  # 2-bit indices, four per byte
            group = indices[i:i + 4] + [0] * (4 - len(indices[i:i + 4]))
            packed.append(group[0] << 6 | group[1] << 4 | group[2] << 2 | group[3])
        raw += b"\x00" + bytes(packed)
    return png(2, 3, raw, palette=palette, trns=[255, 0, 128])


def gray1():
    raw = b""
    for y in range(H):
        bits = [(x * y + x) % 3 == 0 for x in range(W)] + [False] * 4
        raw += b"\x00" + bytes(sum(bits[i + k] << (7 - k) for k in range(8)) for i in range(0, W, 8))
    return png(1, 0, raw)


files = {
    "gray8.png": png(8, 0, direct(8, 0)),
    "gray16.png": png(16, 0, direct(16, 0)),
    "gray1.png": gray1(),
    "gray-alpha8.png": png(8, 4, direct(8, 4)),
    "rgb8-gamma.png": png(8, 2, direct(8, 2), extra=[(b"gAMA", struct.pack(">I", 45455)), (b"sRGB", b"\x00")]),
    "rgb16.png": png(16, 2, direct(16, 2)),
    "rgba8.png": png(8, 6, direct(8, 6)),
    "rgba16.png": png(16, 6, direct(16, 6)),
    "palette-alpha.png": palette_with_transparency(),
    "interlaced-rgb8.png": interlaced_rgb8(),
}
good = files["gray8.png"]
files["truncated.png"] = good[: len(good) // 2]
huge = bytearray(good)
huge[16:24] = struct.pack(">II", 100000, 100000)
huge[29:33] = struct.pack(">I", zlib.crc32(bytes(huge[12:29])))
files["huge-header.png"] = bytes(huge)


def safetensors():
    """Tensors of four float dtypes and one integer one, with metadata, 8-byte aligned header."""
    tensors = [("a.weight", "F32", [2, 3], struct.pack("<6f", 1, -2, 3.5, 0, 1e-3, 7)),
               ("b.half", "F16", [2], struct.pack("<2H", 0x3E00, 0xC000)),
               ("c.bf16", "BF16", [1], struct.pack("<H", 0x3FC0)),
               ("d.double", "F64", [], struct.pack("<d", 0.25)),
               ("e.count", "I64", [1], struct.pack("<q", 7))]
    header, offset, data = {"__metadata__": {"format": "pt", "step": "3"}}, 0, b""
    for name, dtype, shape, raw in tensors:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


files["mixed.safetensors"] = safetensors()

for name, content in files.items():
    with open(name, "wb") as f:
        f.write(content)
