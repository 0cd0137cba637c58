#!/usr/bin/python3
"""Writes a seed for onnx_fuzzer: a tiny detector in the shape of a PyTorch RetinaFace export (an
Identity-copied weight, an FPN Resize whose target size comes from Shape -> Gather -> Unsqueeze ->
Concat -> Cast, a head Conv -> Transpose -> Reshape([N, -1, k]) -> Concat -> Softmax), a few hundred
bytes. Generated rather than committed, with Debian's python3-onnx (run with /usr/bin/python3).

Usage: fuzz/make_onnx_seed.py OUT_DIR
"""
import pathlib
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper


def const(name, values, dtype=np.int64):
    return numpy_helper.from_array(np.array(values, dtype=dtype), name)


def conv(name, source, weights_name, stride):
    return helper.make_node("Conv", [source, weights_name], [name], name=name, kernel_shape=[3, 3],
                            pads=[1, 1, 1, 1], strides=[stride, stride])


def main():
    out = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "build/fuzz/corpus/onnx")
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    weights = [
        numpy_helper.from_array(rng.standard_normal((2, 3, 3, 3)).astype(np.float32), "w1"),
        numpy_helper.from_array(rng.standard_normal((2, 2, 3, 3)).astype(np.float32), "w2"),
        numpy_helper.from_array(rng.standard_normal((4, 2, 1, 1)).astype(np.float32), "wh"),
        const("two", 2), const("three", 3), const("start", [0]), const("end", [2]), const("zero", 0),
        const("minus1", [-1]), const("k", [2]), numpy_helper.from_array(np.zeros(0, np.float32), "empty"),
    ]
    nodes = [
        helper.make_node("Identity", ["w1"], ["w1c"], name="copy"),
        conv("a", "input", "w1c", 2),
        helper.make_node("LeakyRelu", ["a"], ["a1"], name="a1", alpha=0.1),
        conv("b", "a1", "w2", 2),
        helper.make_node("Shape", ["a1"], ["sa"], name="sa"),
        helper.make_node("Gather", ["sa", "two"], ["h"], name="h"),
        helper.make_node("Gather", ["sa", "three"], ["w"], name="w"),
        helper.make_node("Unsqueeze", ["h"], ["h1"], name="h1", axes=[0]),
        helper.make_node("Unsqueeze", ["w"], ["w1u"], name="w1u", axes=[0]),
        helper.make_node("Concat", ["h1", "w1u"], ["hw"], name="hw", axis=0),
        helper.make_node("Shape", ["b"], ["sb"], name="sb"),
        helper.make_node("Slice", ["sb", "start", "end"], ["nc"], name="nc"),
        helper.make_node("Cast", ["hw"], ["hw64"], name="hw64", to=TensorProto.INT64),
        helper.make_node("Concat", ["nc", "hw64"], ["size"], name="size", axis=0),
        helper.make_node("Resize", ["b", "empty", "empty", "size"], ["up"], name="up", mode="nearest",
                         coordinate_transformation_mode="asymmetric", nearest_mode="floor"),
        helper.make_node("Add", ["a1", "up"], ["sum"], name="sum"),
        helper.make_node("Conv", ["sum", "wh"], ["head"], name="head", kernel_shape=[1, 1]),
        helper.make_node("Transpose", ["head"], ["nhwc"], name="nhwc", perm=[0, 2, 3, 1]),
        helper.make_node("Shape", ["nhwc"], ["sh"], name="sh"),
        helper.make_node("Gather", ["sh", "zero"], ["n"], name="n"),
        helper.make_node("Unsqueeze", ["n"], ["n1"], name="n1", axes=[0]),
        helper.make_node("Concat", ["n1", "minus1", "k"], ["target"], name="target", axis=0),
        helper.make_node("Reshape", ["nhwc", "target"], ["rows"], name="rows"),
        helper.make_node("Concat", ["rows"], ["all"], name="all", axis=1),
        helper.make_node("Softmax", ["all"], ["conf"], name="conf", axis=2),
    ]
    graph = helper.make_graph(
        nodes, "seed", [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["n", 3, "h", "w"])],
        [helper.make_tensor_value_info("conf", TensorProto.FLOAT, ["n", "a", 2])], initializer=weights)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 11)])
    (out / "tiny.onnx").write_bytes(model.SerializeToString())
    print(f"wrote {out / 'tiny.onnx'}")


if __name__ == "__main__":
    main()
