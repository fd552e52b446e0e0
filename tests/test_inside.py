import numpy as np
import pytest
import torch
from torch import nn

from explorer import inside
from explorer.config import Config
from explorer.training import Run


def hand_set(layer: nn.Linear, weight: list, bias: list) -> None:
    with torch.no_grad():
        layer.weight.copy_(torch.tensor(weight))
        layer.bias.copy_(torch.tensor(bias))


def tiny_run(**settings) -> Run:
    # 2-2-1 tanh on moons, with weights set by hand.
    run = Run(Config(n_samples=60, hidden=(2,), epochs=1, **settings))
    hand_set(run.model[0], [[1.0, -2.0], [0.5, 0.0]], [0.1, -0.3])
    hand_set(run.model[2], [[2.0, -1.0]], [0.0])
    return run


def relu_layer() -> tuple[nn.Sequential, torch.Tensor]:
    # On x1 in [-1, 1]: unit 1 fires for x1 > 0; unit 2 never (bias -1); unit 3's
    # input is exactly 0 everywhere; unit 4's is at most -4. Three of four are dead.
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 1))
    weight = [[1.0, 0.0], [0.0, 0.0], [0.0, 0.0], [1.0, 0.0]]
    hand_set(model[0], weight, [0.0, -1.0, 0.0, -5.0])
    X = torch.tensor([[-1.0, 0.0], [1.0, 0.0], [0.0, 3.0]])
    return model, X


def test_layer_weights_skip_activations_and_a_final_sigmoid():
    # A mistake's Sigmoid after the last Linear adds no layer of weights.
    run = tiny_run(mistakes=("sigmoid_before_loss",))
    weights = inside.layer_weights(run.model)
    assert [(W.shape, b.shape) for W, b in weights] == [((2, 2), (2,)), ((1, 2), (1,))]
    assert all(W.dtype == b.dtype == np.float32 for W, b in weights)
    assert weights[0][0].tolist() == [[1.0, -2.0], [0.5, 0.0]]
    assert weights[1][1].tolist() == [0.0]


def test_unit_maps_are_tanh_of_the_hand_set_layer():
    run = tiny_run()
    maps = inside.unit_maps(run, resolution=7)
    assert len(maps.layers) == 1 and maps.layers[0].shape == (2, 7, 7)
    assert maps.layers[0].dtype == np.float32 and maps.held == {}

    # At grid point (x = xs[5], y = ys[2]): tanh(W · standardised input + b).
    point = np.array([maps.xs[5], maps.ys[2]])
    x = (point - run.split.x_mean) / run.split.x_scale
    W, b = np.array([[1.0, -2.0], [0.5, 0.0]]), np.array([0.1, -0.3])
    assert maps.layers[0][:, 2, 5] == pytest.approx(np.tanh(W @ x + b), abs=1e-5)


def test_unit_maps_span_the_data_like_the_plane_grid():
    run = tiny_run()
    maps = inside.unit_maps(run, resolution=9)
    X = np.concatenate([run.split.X_train_raw, run.split.X_test_raw])
    assert maps.xs[0] < X[:, 0].min() and maps.xs[-1] > X[:, 0].max()
    assert maps.ys[0] < X[:, 1].min() and maps.ys[-1] > X[:, 1].max()


def test_unit_maps_give_one_array_per_hidden_layer_and_hold_the_rest():
    run = Run(Config(task="multiclass", dataset="iris", hidden=(4, 3), epochs=1))
    maps = inside.unit_maps(run, axes=(2, 3), resolution=5)
    assert [m.shape for m in maps.layers] == [(4, 5, 5), (3, 5, 5)]
    assert set(maps.held) == {"sepal length (cm)", "sepal width (cm)"}


def test_unit_maps_of_a_network_without_hidden_layers_are_empty():
    run = Run(Config(n_samples=60, hidden=(), epochs=1))
    assert inside.unit_maps(run, resolution=5).layers == []


def test_unit_maps_need_two_inputs():
    run = Run(Config(task="regression", dataset="sine", epochs=1))
    with pytest.raises(ValueError, match="two inputs"):
        inside.unit_maps(run)


def test_weight_norms_match_torch_per_linear_layer():
    run = tiny_run(mistakes=("sigmoid_before_loss",))
    start = {k: v.clone() for k, v in run.model.state_dict().items()}
    run.advance(epochs=1)
    snapshots = {1: run.model.state_dict(), 0: start}
    frame = inside.weight_norms(snapshots)
    assert list(frame.columns) == ["epoch", "layer", "norm"]
    assert frame[["epoch", "layer"]].values.tolist() == [[0, 1], [0, 2], [1, 1], [1, 2]]
    expected = [
        float(torch.linalg.norm(snapshots[e][k]))
        for e in (0, 1)
        for k in ("0.weight", "2.weight")
    ]
    assert frame["norm"].tolist() == pytest.approx(expected)


def test_weight_norms_order_layers_by_position_not_by_name():
    # "10.weight" sorts before "2.weight" as text; the layers must not.
    model = nn.Sequential(*[nn.Linear(1, 1) for _ in range(11)])
    for k, layer in enumerate(model):
        hand_set(layer, [[float(k)]], [0.0])
    frame = inside.weight_norms({0: model.state_dict()})
    assert frame["norm"].tolist() == list(range(11))


def test_gradient_norm_frame_numbers_epochs_from_one():
    frame = inside.gradient_norm_frame([[1.0, 2.0], [3.0, 4.0]])
    assert frame.values.tolist() == [[1, 1, 1.0], [1, 2, 2.0], [2, 1, 3.0], [2, 2, 4.0]]
    assert inside.gradient_norm_frame([]).columns.tolist() == ["epoch", "layer", "norm"]


def test_dead_fractions_count_units_that_never_fire():
    model, X = relu_layer()
    assert inside.dead_fractions(model, X) == [0.75]


def test_dead_fractions_of_leaky_relu_count_the_negative_part():
    # The same pre-activations: LeakyReLU's output is never 0, but three units
    # still never leave their shallow negative part.
    model, X = relu_layer()
    model[1] = nn.LeakyReLU()
    assert inside.dead_fractions(model, X) == [0.75]


def test_dead_fractions_one_per_hidden_layer():
    model = nn.Sequential(nn.Linear(2, 4), nn.ReLU(), nn.Linear(4, 2), nn.ReLU())
    model.append(nn.Linear(2, 1))
    hand_set(model[2], [[0.0] * 4, [1.0] * 4], [-1.0, 1.0])
    X = torch.randn(10, 2)
    assert len(inside.dead_fractions(model, X)) == 2
    assert inside.dead_fractions(model, X)[1] == 0.5


def test_dead_fraction_frame_reads_snapshots_and_leaves_the_model_alone():
    run = Run(Config(n_samples=60, hidden=(4, 4), activation="relu", epochs=1))
    live = {k: v.clone() for k, v in run.model.state_dict().items()}
    # A snapshot whose first layer is shut off: every unit there is dead.
    killed = {k: v.clone() for k, v in live.items()}
    killed["0.weight"].zero_()
    killed["0.bias"].fill_(-1.0)

    frame = inside.dead_fraction_frame(run, {3: killed, 0: live})
    assert list(frame.columns) == ["epoch", "layer", "fraction"]
    assert frame["epoch"].tolist() == [0, 0, 3, 3]
    expected = inside.dead_fractions(run.model, run.split.X_train)
    assert frame["fraction"].tolist()[:2] == expected
    assert frame["fraction"].tolist()[2] == 1.0
    state = run.model.state_dict()
    assert all(torch.equal(state[k], v) for k, v in live.items())

    # Fractions known from an earlier call are reused, not recomputed: a made-up
    # value for epoch 0 comes back as it was given, and epoch 3 is added.
    known = {0: [0.25, 0.5]}
    again = inside.dead_fraction_frame(run, {3: killed, 0: live}, known)
    assert again["fraction"].tolist()[:2] == [0.25, 0.5]
    assert set(known) == {0, 3} and known[3][0] == 1.0


def test_dead_fraction_frame_is_empty_for_activations_that_cannot_die():
    run = tiny_run()
    frame = inside.dead_fraction_frame(run, {0: run.model.state_dict()})
    assert frame.empty and list(frame.columns) == ["epoch", "layer", "fraction"]


def test_deep_sigmoid_network_gradients_vanish_toward_the_input():
    # Each sigmoid scales the gradient by at most 1/4 on its way back: after six of
    # them the first layer's gradient is a tiny fraction of the last layer's.
    config = Config(dataset="moons", hidden=(32,) * 6, activation="sigmoid", epochs=5)
    run = Run(config)
    run.advance()
    norms = inside.gradient_norm_frame(run.gradient_norms)
    by_layer = norms.pivot(index="epoch", columns="layer", values="norm")
    assert len(by_layer) == 5 and list(by_layer.columns) == list(range(1, 8))
    assert (by_layer[1] < 0.01 * by_layer[7]).all()
