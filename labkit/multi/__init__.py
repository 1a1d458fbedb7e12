"""Multi-task, multi-modal and multi-view learning: one concept, three ways to learn from "several".

Multi-task learning (:mod:`labkit.multi.multitask`) predicts several targets from the same inputs with
one network; multi-modal learning (:mod:`labkit.multi.multimodal`) makes one prediction from inputs of
different kinds; multi-view learning (:mod:`labkit.multi.multiview`) uses several descriptions of the
same objects and their agreement. Their seeded data is in :mod:`labkit.multi.data`. Import the public
names from here: ``from labkit.multi import FusionNet``.
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

#: The models that :class:`FusionNet` builds, by name, each with the modalities it reads: one modality alone,
#: or both fused at one of three places.
FUSIONS = multimodal.FUSIONS
