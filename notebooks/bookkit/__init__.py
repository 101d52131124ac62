"""The book's own code: settings profiles, one module per chapter (``chNN_name.py``: its driver and the paper's
numbers and statements), and what the reader sees besides figures (:mod:`bookkit.report`).

Not installed and not part of :mod:`grnular_lib`: the chapters in ``notebooks/`` import it from their working
directory (papermill runs them with ``--cwd notebooks``; Jupyter opens them there). The library never imports it.
"""
import warnings

# tqdm's hint about Jupyter widgets is noise for a reader of an executed chapter.
warnings.filterwarnings("ignore", message="IProgress not found")
