"""The method registry: consistent records, every engine knows its methods, importable without torch."""
import subprocess
import sys

import pytest

from grnular_lib.errors import InputError
from grnular_lib.methods import METHODS, Method, get_method, method_label, method_names


def test_registry_is_plain_data_without_torch():
    code = "import sys, grnular_lib.methods as m; assert m.METHODS; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_engines_list_exactly_their_registered_methods():
    from grnular_lib.baselines import BASELINE_METHODS, CACHED_METHODS
    from grnular_lib.infer import available_methods
    from grnular_lib.models import METHOD_SPECS, MODEL_METHODS

    assert set(MODEL_METHODS) == set(METHOD_SPECS) == set(method_names(engine="unrolled"))
    assert set(BASELINE_METHODS) == {m.name for m in METHODS.values() if m.engine == "baselines"}
    assert set(CACHED_METHODS) == {"grnboost2", "genie3", "glasso"}
    assert available_methods() == tuple(METHODS)


def test_records_and_lookups():
    assert get_method("GRNUlar").label == "GRNUlar"
    assert method_label("pearson") == "Pearson-TF" and method_label("my-variant") == "my-variant"
    # grnular-rank takes every gene as a candidate regulator without a TF list; GLAD uses none
    assert [m for m in METHODS.values() if not m.needs_tfs and m.engine == "unrolled"] == [METHODS["grnular-rank"],
                                                                                          METHODS["glad"]]
    assert METHODS["grnboost2"].run_label(False) == "GRNBoost2 (no TFs)"
    assert METHODS["glasso"].run_label(False) == "GLASSO"
    assert set(method_names(kind="floor")) == {"pearson", "precision", "ridge", "rank-average"}
    with pytest.raises(InputError, match="unknown method 'nope'; choose one of grnular"):
        get_method("nope")


def test_bad_record_is_refused():
    from grnular_lib.methods import _registry

    good = Method("a", "A", "floor", "optional", "baselines", False, False, "")
    with pytest.raises(ValueError, match="repeated"):
        _registry(good, good)
    with pytest.raises(ValueError, match="kind/tfs/engine"):
        _registry(Method("b", "B", "other", "optional", "baselines", False, False, ""))  # type: ignore[arg-type]
