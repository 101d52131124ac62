"""The differentiable Fβ and the balanced loss of Eq. 14–16."""
import pytest
import torch

from grnular_lib.errors import InputError
from grnular_lib.loss import offdiagonal_mask, soft_fbeta, unrolled_loss

truth = torch.tensor([[0.0, 1, 0], [1, 0, 0], [0, 1, 0]])


def test_fbeta_is_one_for_a_perfect_binary_prediction_and_zero_for_the_complement():
    assert float(soft_fbeta(truth, truth)) == pytest.approx(1.0)
    assert float(soft_fbeta(1 - truth, truth)) == pytest.approx(0.0)


def test_fbeta_matches_the_hard_f_score_on_binary_predictions():
    pred = torch.tensor([[0.0, 1, 1], [0, 0, 0], [0, 1, 0]])  # TP 2, FP 1, FN 1
    for beta in (0.5, 1.0, 2.0):
        b2 = beta ** 2
        assert float(soft_fbeta(pred, truth, beta=beta)) == pytest.approx((1 + b2) * 2 / ((1 + b2) * 2 + b2 * 1 + 1))


def test_beta_above_one_punishes_misses_more_than_false_alarms():
    miss = truth.clone()
    miss[0, 1] = 0  # one false negative
    alarm = truth.clone()
    alarm[0, 2] = 1  # one false positive
    assert soft_fbeta(miss, truth, beta=2.0) < soft_fbeta(alarm, truth, beta=2.0)
    assert soft_fbeta(miss, truth, beta=0.5) > soft_fbeta(alarm, truth, beta=0.5)


def test_mask_excludes_the_diagonal():
    pred = truth + torch.eye(3)  # self loops predicted
    mask = offdiagonal_mask((3, 3))
    assert float(soft_fbeta(pred.clamp(0, 1), truth, mask=mask)) == pytest.approx(1.0)
    rows = torch.tensor([2, 0])  # a TF × gene block whose rows are genes 2 and 0
    assert offdiagonal_mask((2, 3), rows).tolist() == [[1, 1, 0], [0, 1, 1]]


def test_loss_balances_both_terms_and_the_ratio_carries_no_gradient():
    theta = torch.full((3, 3), 0.3, requires_grad=True)
    loss = unrolled_loss(theta, truth, beta=2.0)
    l_f = 1 - soft_fbeta(torch.tanh(theta.detach().abs()), truth)
    assert float(loss.detach()) == pytest.approx(2 * float(l_f), rel=1e-5)  # r · MSE = L_F by construction
    loss.backward()
    assert theta.grad is not None and torch.isfinite(theta.grad).all()
    assert float(theta.grad[0, 1]) < 0 < float(theta.grad[0, 0])  # raise true edges, lower non-edges


def test_loss_is_lower_for_a_better_prediction_and_rejects_bad_beta():
    good, bad = truth * 3.0, (1 - truth) * 3.0
    assert unrolled_loss(good, truth) < unrolled_loss(bad, truth)
    with pytest.raises(InputError, match="beta"):
        soft_fbeta(truth, truth, beta=0)
