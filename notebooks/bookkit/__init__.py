"""The book's own code: settings profiles, one module per chapter (``chNN_name.py``: its driver and the paper's
numbers and statements), and what the reader sees besides figures (:mod:`bookkit.report`).

Not installed and not part of :mod:`grnular_lib`: the chapters in ``notebooks/`` import it from their working
directory (papermill runs them with ``--cwd notebooks``; Jupyter opens them there). The library never imports it.
"""
import warnings

import pandas as pd

# tqdm's hint about Jupyter widgets is noise for a reader of an executed chapter.
warnings.filterwarnings("ignore", message="IProgress not found")

# The chapters' tables hold sentences (what this run found, the paper's wording): show them whole, not cut at 50
# characters with "...".
pd.set_option("display.max_colwidth", None)
