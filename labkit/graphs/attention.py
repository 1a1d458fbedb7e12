"""Graph attention (GAT): each node weighs its neighbours with a softmax over its incoming edges."""

from __future__ import annotations

import math

import torch

from .._checks import Bool, Real, Seed, Size
from .._contract import contract
from ..seeding import generator
from .layers import _check_weights, _checked_features, _glorot
from .structure import _FEATURES, GRAPH, Graph

__all__ = ["GATLayer"]


def _edge_softmax(scores: torch.Tensor, dst: torch.Tensor, num_nodes: int) -> torch.Tensor:
    """Softmax of ``scores`` (one row per edge, one column per head) over the edges that share a target.

    Each target's largest score is subtracted first: ``exp`` of scores near 100 would overflow to inf
    (and inf / inf is NaN), while the result is the same for any constant subtracted per target.
    """
    index = dst[:, None].expand_as(scores)
    largest = scores.new_full((num_nodes, scores.shape[1]), -math.inf).scatter_reduce(
        0, index, scores.detach(), "amax", include_self=True)  # a constant: no gradient to carry
    e = (scores - largest[dst]).exp()
    total = scores.new_zeros(num_nodes, scores.shape[1]).index_add(0, dst, e)
    return e / total[dst]


@contract(in_features=Size(), out_features=Size(), heads=Size(), concat=Bool(),
          negative_slope=Real(min=0.0, max=1.0), seed=Seed())
class GATLayer(torch.nn.Module):
    """Graph attention (Veličković et al., 2018): ``h'_v = sum_u alpha_vu W h_u``, one ``alpha`` per head.

    For every edge ``u -> v`` and head ``k``, the score ``e_vu = LeakyReLU(a_k . [W_k h_v, W_k h_u])``
    is turned into weights ``alpha_vu`` by a softmax over the edges into ``v``: the weights are learned
    from the features, where a GCN's depend only on the degrees. As in PyG's ``GATConv``, every node
    gets exactly one self-loop (existing ones are dropped first), so a node always hears itself;
    repeated edges count as many times as they appear. The heads' outputs are concatenated
    (``heads * out_features`` columns) or, with ``concat=False``, averaged; then the bias is added.
    Weights are Glorot-uniform from ``seed``, the bias starts at zero; float32 (``layer.double()`` for
    float64).

    >>> layer = GATLayer(3, 2, heads=4, seed=0)
    >>> layer(Graph([[0, 1], [1, 0]], 2), torch.ones(2, 3)).shape
    torch.Size([2, 8])
    """

    def __init__(self, in_features: int, out_features: int, *, heads: int = 1, concat: bool = True,
                 negative_slope: float = 0.2, seed: int = 0) -> None:
        super().__init__()
        _check_weights("in_features", [in_features, heads * out_features])
        self.heads, self.out_features, self.concat, self.negative_slope = heads, out_features, concat, negative_slope
        gen = generator(seed)
        self.weight = _glorot(in_features, heads * out_features, gen)
        # One attention vector per head, split into the target's half and the source's half.
        self.att_dst = torch.nn.Parameter(_glorot(heads, out_features, gen).data)
        self.att_src = torch.nn.Parameter(_glorot(heads, out_features, gen).data)
        self.bias = torch.nn.Parameter(torch.zeros(heads * out_features if concat else out_features))

    @contract(graph=GRAPH, x=_FEATURES)
    def forward(self, graph: Graph, x: torch.Tensor) -> torch.Tensor:
        """Attention-weighted sum of the transformed neighbours (and the node itself), per head.

        ``x`` has one row per node of ``graph`` and ``in_features`` columns; another float dtype than
        the layer's is converted to the layer's.
        """
        x = _checked_features(x, graph, self.weight.shape[0], self.weight.dtype, "layer")
        return self._forward(graph, x)

    @contract(graph=GRAPH, x=_FEATURES)
    def attention(self, graph: Graph, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """The edges with their self-loops, shape ``(2, E')``, and their weights ``alpha``, ``(E', heads)``.

        The weights of the edges into each node sum to one, per head. ``x`` is as in :meth:`forward`.
        """
        x = _checked_features(x, graph, self.weight.shape[0], self.weight.dtype, "layer")
        edges, alpha, _ = self._attend(graph, x)
        return edges, alpha

    def _attend(self, graph: Graph, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        nodes = torch.arange(graph.num_nodes)
        keep = graph.src != graph.dst
        src = torch.cat([graph.src[keep], nodes])
        dst = torch.cat([graph.dst[keep], nodes])
        h = (x @ self.weight).view(-1, self.heads, self.out_features)
        score_src = (h * self.att_src).sum(-1)  # (N, heads): computed per node, then gathered per edge
        score_dst = (h * self.att_dst).sum(-1)
        scores = torch.nn.functional.leaky_relu(score_src[src] + score_dst[dst], self.negative_slope)
        return torch.stack([src, dst]), _edge_softmax(scores, dst, graph.num_nodes), h

    def _forward(self, graph: Graph, x: torch.Tensor) -> torch.Tensor:
        edges, alpha, h = self._attend(graph, x)
        messages = h[edges[0]] * alpha[:, :, None]
        out = h.new_zeros(graph.num_nodes, self.heads, self.out_features).index_add(0, edges[1], messages)
        out = out.flatten(1) if self.concat else out.mean(1)
        return out + self.bias
