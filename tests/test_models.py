import pytest
import torch
from torch import nn

from explorer.models import ACTIVATIONS, build_model, make_optimizer, parameter_count


def build(hidden, activation="tanh", n_inputs=2, n_outputs=1, seed=0):
    return build_model(
        n_inputs, hidden, activation, n_outputs, torch.Generator().manual_seed(seed)
    )


@pytest.mark.parametrize("hidden", [(), (8,), (8, 8), (3, 5, 7)])
@pytest.mark.parametrize("n_outputs", [1, 4])
def test_model_output_shape(hidden, n_outputs):
    model = build(hidden, n_outputs=n_outputs)
    assert model(torch.zeros(5, 2)).shape == (5, n_outputs)


def test_parameter_count_by_hand():
    # 2-8-8-1: (2·8 + 8) + (8·8 + 8) + (8·1 + 1) = 24 + 72 + 9 = 105.
    assert parameter_count(build((8, 8))) == 105
    # 3 inputs, no hidden layer, 4 outputs: 3·4 + 4 = 16.
    assert parameter_count(build((), n_inputs=3, n_outputs=4)) == 16


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
def test_activation_after_each_hidden_layer_only(activation):
    # The last layer gives raw outputs: no activation, no sigmoid, no softmax.
    model = build((4, 4), activation=activation)
    kinds = [type(layer) for layer in model]
    act = ACTIVATIONS[activation]
    assert kinds == [nn.Linear, act, nn.Linear, act, nn.Linear]


def test_same_generator_seed_same_weights_whatever_the_global_generator():
    torch.manual_seed(1)
    a = build((8, 8), seed=3)
    torch.manual_seed(2)
    b = build((8, 8), seed=3)
    for p, q in zip(a.parameters(), b.parameters(), strict=True):
        assert torch.equal(p, q)
    c = build((8, 8), seed=4)
    assert not torch.equal(a[0].weight, c[0].weight)


def test_init_matches_torch_default_ranges():
    # Weights and biases within ±1/sqrt(fan_in), like nn.Linear's own init.
    model = build((64,), n_inputs=16)
    bound = 1 / 16**0.5
    assert model[0].weight.abs().max() <= bound
    assert model[0].bias.abs().max() <= bound
    assert model[0].weight.abs().max() > 0.9 * bound


@pytest.mark.parametrize(
    "name, kind",
    [
        ("sgd", torch.optim.SGD),
        ("momentum", torch.optim.SGD),
        ("adam", torch.optim.Adam),
        ("adamw", torch.optim.AdamW),
        ("rmsprop", torch.optim.RMSprop),
    ],
)
def test_make_optimizer_by_name(name, kind):
    optimizer = make_optimizer(name, build((4,)).parameters(), 0.1, 0.0)
    assert isinstance(optimizer, kind)
    assert optimizer.param_groups[0]["lr"] == 0.1
    if name == "momentum":
        assert optimizer.param_groups[0]["momentum"] == 0.9


def test_config_names_match_the_engine_registries():
    # config.py is stdlib-only, so it lists the names; the engine keys by them.
    from explorer import config, mistakes, tasks
    from explorer.models import OPTIMIZERS

    assert config.OPTIMIZERS == tuple(OPTIMIZERS)
    assert config.ACTIVATIONS == tuple(ACTIVATIONS)
    assert config.TASKS == tuple(tasks.TASKS)
    assert config.MISTAKES == tuple(mistakes.LABELS)
