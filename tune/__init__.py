"""Fine-tuning on an office's own question → clause pairs: ``python -m tune``.

A stage of its own above evaluation (it validates with :mod:`eval`'s metrics before it keeps a
model): pairs (:mod:`tune.data`), mined negatives (:mod:`tune.mine`), training (:mod:`tune.train`),
validation (:mod:`tune.validate`), the model card (:mod:`tune.card`), the run (:mod:`tune.run`).
"""

from tune.data import Pair, TuneDataError
from tune.run import TunePlan, WorseModelError, tune
from tune.train import TrainSettings

__all__ = ["Pair", "TrainSettings", "TuneDataError", "TunePlan", "WorseModelError", "tune"]
