"""Face-based people count on synthetic classrooms and on real photographs."""

import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest

from simulator.cameras import synth
from video_features.config import load_config
from video_features.detectors import (
    ModelNotFound,
    ResultStatus,
    YoloOnnxDetector,
    count_people,
    detect_smoking,
    load_detectors,
)


def test_synthetic_classrooms_within_one(face_detector):
    rng = np.random.default_rng(5)
    errors, turned_away_missed = [], 0
    for _ in range(30):
        room = synth.make_classroom(rng)
        n = int(rng.integers(0, min(30, len(room.seats) - 2)))
        away = int(rng.integers(0, 3))
        frame, truth = synth.render_classroom(rng, n, n_turned_away=away, room=room)
        r = count_people(frame, face_detector)
        assert r.status is ResultStatus.OK and 0 < r.confidence <= 1
        errors.append(r.value - truth.n_faces)
        turned_away_missed += truth.n_people - truth.n_faces
    e = np.array(errors)
    print(f"exact {np.mean(e == 0):.2f}, within 1 {np.mean(abs(e) <= 1):.2f}, errors {e.tolist()}")
    assert np.mean(abs(e) <= 1) >= 0.9
    assert np.mean(e == 0) >= 0.6
    assert turned_away_missed > 0  # truth keeps the people a face counter cannot see


def test_real_photos(face_detector, real_photo):
    assert count_people(real_photo("astronaut.png"), face_detector).value == 1
    assert count_people(real_photo("camera.png"), face_detector).value == 1  # the cameraman
    for name in ("coffee.png", "chelsea.png", "rocket.jpg", "hubble_deep_field.jpg", "horse.png",
                 "brick.png", "page.png", "text.png", "coins.png"):  # fmt: skip
        assert count_people(real_photo(name), face_detector).value == 0, name


def test_lfw_faces_and_non_faces(face_detector, skimage_data):
    crops = (np.load(skimage_data / "lfw_subset.npy") * 255).astype(np.uint8)

    def count(crop):
        big = cv2.resize(crop, (100, 100), interpolation=cv2.INTER_CUBIC)
        big = cv2.copyMakeBorder(big, 50, 50, 50, 50, cv2.BORDER_CONSTANT, value=128)
        return count_people(cv2.cvtColor(big, cv2.COLOR_GRAY2BGR), face_detector).value

    faces = [count(c) for c in crops[:100]]
    others = [count(c) for c in crops[100:]]
    print("lfw faces found", sum(f == 1 for f in faces), "non-faces with a face", sum(others))
    assert sum(f == 1 for f in faces) >= 97
    assert sum(others) <= 2


def test_grace_hopper_if_matplotlib(face_detector):
    spec = importlib.util.find_spec("matplotlib")
    if spec is None:
        pytest.skip("matplotlib not installed (its sample grace_hopper.jpg is optional)")
    path = (
        Path(next(iter(spec.submodule_search_locations))) / "mpl-data/sample_data/grace_hopper.jpg"
    )
    assert count_people(cv2.imread(str(path)), face_detector).value == 1


def test_bad_input(face_detector):
    r = count_people(None, face_detector)
    assert r.status is ResultStatus.BAD_INPUT and r.value is None
    assert (
        count_people(np.zeros((10, 10), np.uint8), face_detector).status is ResultStatus.BAD_INPUT
    )


def test_smoking_not_configured_never_pretends():
    r = detect_smoking(np.zeros((360, 640, 3), np.uint8), None)
    assert r.status is ResultStatus.NOT_CONFIGURED and r.value is None and r.confidence == 0
    assert load_detectors(load_config(env={})).smoking is None


def _tiny_yolo(path: Path, layout: str) -> None:
    """A stand-in 'operator model': constant YOLO-shaped output, two boxes of class 0."""
    import onnx
    from onnx import TensorProto, helper

    if layout == "yolov8":  # [1, 4 + 2 classes, 3 boxes]
        out = np.array([[[100, 300, 500], [100, 300, 300], [40, 40, 40], [80, 80, 80],
                         [0.9, 0.8, 0.1], [0.0, 0.1, 0.95]]], np.float32)  # fmt: skip
    else:  # [1, 3 boxes, 5 + 2]
        out = np.array([[[100, 100, 40, 80, 0.95, 0.9, 0.0], [300, 300, 40, 80, 0.9, 0.9, 0.1],
                         [500, 300, 40, 80, 0.9, 0.1, 0.95]]], np.float32)  # fmt: skip
    x = helper.make_tensor_value_info("images", TensorProto.FLOAT, [1, 3, 640, 640])
    y = helper.make_tensor_value_info("output0", TensorProto.FLOAT, list(out.shape))
    const = helper.make_node("Constant", [], ["c"], value=helper.make_tensor(
        "v", TensorProto.FLOAT, out.shape, out.ravel().tolist()))  # fmt: skip
    # Output = constant + 0 * mean(images): keeps the input in the graph.
    mean = helper.make_node("ReduceMean", ["images"], ["m"], keepdims=0)
    zero = helper.make_node("Mul", ["m", "z"], ["mz"])
    add = helper.make_node("Add", ["c", "mz"], ["output0"])
    z = helper.make_tensor("z", TensorProto.FLOAT, [], [0.0])
    graph = helper.make_graph([const, mean, zero, add], "tiny", [x], [y], initializer=[z])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))


@pytest.mark.parametrize("layout", ["yolov8", "yolov5"])
def test_operator_onnx_model_plugs_in_by_configuration(tmp_path, layout):
    path = tmp_path / f"person_{layout}.onnx"
    _tiny_yolo(path, layout)
    p = "SKILLWATCH_VF_"
    env = {
        p + "PERSON_MODEL_PATH": str(path),
        p + "PERSON_MODEL_FORMAT": layout,
        p + "SMOKING_MODEL_PATH": str(path),
        p + "SMOKING_MODEL_FORMAT": layout,
        p + "SMOKING_CLASS_IDS": "1",
    }
    dets = load_detectors(load_config(env=env))
    assert isinstance(dets.people, YoloOnnxDetector)
    frame = np.zeros((640, 640, 3), np.uint8)
    people = count_people(frame, dets.people)
    assert people.value == 2 and people.method == "person-onnx"
    box = people.detections[0].box
    assert box == pytest.approx((80, 60, 120, 140), abs=1)
    smoking = detect_smoking(frame, dets.smoking)
    assert smoking.status is ResultStatus.OK and smoking.value == 1


def test_missing_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelNotFound):
        load_detectors(load_config(env={"SKILLWATCH_VF_FACE_MODEL_PATH": str(tmp_path / "x.onnx")}))
    with pytest.raises(ModelNotFound):
        YoloOnnxDetector(tmp_path / "none.onnx", name="person")
