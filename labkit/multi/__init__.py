"""Multi-task, multi-modal and multi-view learning: several tasks, several kinds of input, several views.

Multi-task learning predicts several targets from the same inputs with one network: :class:`MultiTaskNet`,
trained by :func:`train_multitask` (in ``multitask.py``). Multi-modal learning makes one prediction from
inputs of different kinds: :class:`FusionNet` fuses an image and a signal at one of the places of
:data:`FUSIONS` (in ``multimodal.py``). Multi-view learning uses several descriptions of the same objects
and their agreement: :class:`CCA` and :func:`co_training` (in ``multiview.py``). The seeded data of all
three is in ``data.py``. Every public name is imported here: ``from labkit.multi import FusionNet``.
"""

from . import multimodal
from .data import digit_views, make_multimodal_digits, make_multitask_data, make_planted_views
from .multimodal import FusionNet, fusion_accuracy, train_fusion
from .multitask import MultiTaskNet, UncertaintyWeighting, mean_test_r2, r2_per_task, train_multitask
from .multiview import CCA, co_predict, co_training, rotated_copies, softmax_regression

__all__ = [
    "MultiTaskNet", "UncertaintyWeighting", "train_multitask", "r2_per_task", "mean_test_r2",
    "FUSIONS", "FusionNet", "train_fusion", "fusion_accuracy",
    "CCA", "co_training", "co_predict", "softmax_regression", "rotated_copies",
    "make_multitask_data", "make_multimodal_digits", "digit_views", "make_planted_views",
]

#: The models that :class:`FusionNet` builds, by name, each with the modalities it reads (one modality alone,
#: or both fused at one of three places).
FUSIONS = multimodal.FUSIONS
