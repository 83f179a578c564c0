#!/usr/bin/python3
"""Peer for bench/run: OpenCV's dnn module (python3-opencv) running the ml5
network exported to ONNX with a fixed size (OpenCV 4.6 cannot import the
dynamic-shape export).
  opencv_dnn.py MODEL.onnx WxH REPEAT THREADS"""
import json
import sys
import time

import cv2
import numpy as np


def main():
    model, size, repeat, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    cv2.setNumThreads(threads)
    w, h = (int(v) for v in size.split("x"))
    net = cv2.dnn.readNetFromONNX(model)
    x = np.random.default_rng(1).random((1, 3, h, w), dtype=np.float32)
    net.setInput(x)
    net.forward()
    for _ in range(repeat):
        start = time.perf_counter()
        net.setInput(x)
        net.forward()
        print(json.dumps({"seconds": time.perf_counter() - start}), flush=True)


if __name__ == "__main__":
    main()
