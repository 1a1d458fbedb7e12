"""Tests of labkit.graphs: the from-scratch layers equal DGL's and PyG's given the same weights, forward
and backward; node outputs are permutation-equivariant and graph readouts invariant; isolated nodes,
self-loops, multi-edges and directed edges behave as documented; bad input is rejected clearly."""

from __future__ import annotations

import os

os.environ.setdefault("DGLBACKEND", "pytorch")

import networkx as nx
import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from labkit import graphs
from labkit.data import load_karate_club
from labkit.graphs import (
    GCN, GCNLayer, Graph, GraphClassifier, SAGELayer, batch_graphs, benchmark_gcn_layer, edge_scores, from_dgl,
    from_networkx, from_pyg, gcn_norm, mean_cosine_similarity, negative_edges, propagate, readout, roc_auc,
    scatter, split_edges, to_dgl, to_networkx, to_pyg, train_node_classifier,
)
from badinput import bad_input_tests

dgl = pytest.importorskip("dgl")
pyg_nn = pytest.importorskip("torch_geometric.nn")


@st.composite
def random_graphs(draw: st.DrawFn, symmetric: bool = False, weighted: bool = False) -> Graph:
    """Small random graphs: isolated nodes, self-loops, multi-edges and directed edges all occur."""
    n = draw(st.integers(1, 10))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=25))
    if symmetric:
        pairs = pairs + [(v, u) for u, v in pairs if u != v]
    edge_index = torch.tensor(pairs, dtype=torch.long).reshape(-1, 2).T
    weight = None
    if weighted:
        weight = torch.tensor(draw(st.lists(st.floats(0.1, 3.0), min_size=len(pairs), max_size=len(pairs))),
                              dtype=torch.float32).reshape(-1)
    f = draw(st.integers(1, 5))
    x = torch.from_numpy(np.random.default_rng(draw(st.integers(0, 2**31))).normal(size=(n, f))).float()
    return Graph(edge_index, n, weight, x)


def grads(out: torch.Tensor, *tensors: torch.Tensor) -> list[torch.Tensor]:
    # A fixed random upstream gradient: a plain .sum() would hide errors that cancel out.
    upstream = torch.from_numpy(np.random.default_rng(0).normal(size=tuple(out.shape))).float()
    return torch.autograd.grad((out * upstream).sum(), tensors)


def gcn_and_inputs(graph: Graph, out: int, seed: int) -> tuple[GCNLayer, torch.Tensor, torch.Tensor]:
    """A GCN layer with a non-zero bias, and two copies of the features: one for labkit, one for the reference."""
    layer = GCNLayer(graph.x.shape[1], out, seed=seed)
    with torch.no_grad():
        layer.bias.uniform_(-1, 1)
    return layer, graph.x.clone().requires_grad_(), graph.x.clone().requires_grad_()


# -- the GCN layer == DGL's GraphConv == PyG's GCNConv, forward and backward ---------------------------------
@settings(max_examples=40, deadline=None, derandomize=True)
@given(graph=random_graphs(symmetric=True), out=st.integers(1, 4))
def test_gcn_layer_equals_dgl_graphconv(graph: Graph, out: int) -> None:
    layer, x, x_ref = gcn_and_inputs(graph, out, seed=1)
    # DGL normalises by out-degree at the source and in-degree at the destination: on a symmetric graph
    # they are the same degrees. labkit keeps exactly one self-loop per node, DGL's graph gets the same.
    dg = dgl.add_self_loop(dgl.remove_self_loop(to_dgl(graph)))
    conv = dgl.nn.GraphConv(graph.x.shape[1], out, norm="both")
    with torch.no_grad():
        conv.weight.copy_(layer.weight)
        conv.bias.copy_(layer.bias)
    ours, ref = layer(graph, x), conv(dg, x_ref)
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-5)
    for a, b in zip(grads(ours, x, layer.weight, layer.bias), grads(ref, x_ref, conv.weight, conv.bias)):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(graph=random_graphs(weighted=True), out=st.integers(1, 4))
def test_gcn_layer_equals_pyg_gcnconv_on_any_graph(graph: Graph, out: int) -> None:
    # Directed edges, multi-edges, self-loops, isolated nodes and edge weights, as PyG handles them.
    layer, x, x_ref = gcn_and_inputs(graph, out, seed=2)
    conv = pyg_nn.GCNConv(graph.x.shape[1], out)
    with torch.no_grad():
        conv.lin.weight.copy_(layer.weight.T)  # PyG stores (out, in)
        conv.bias.copy_(layer.bias)
    ours, ref = layer(graph, x), conv(x_ref, graph.edge_index, graph.edge_weight)
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-5)
    dx, dw, db = grads(ref, x_ref, conv.lin.weight, conv.bias)
    for a, b in zip(grads(ours, x, layer.weight, layer.bias), (dx, dw.T, db)):
        torch.testing.assert_close(a, b, rtol=1e-5, atol=1e-5)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(graph=random_graphs(), aggregator=st.sampled_from(["mean", "sum", "max"]))
def test_sage_layer_equals_pyg_sageconv(graph: Graph, aggregator: str) -> None:
    f = graph.x.shape[1]
    layer = SAGELayer(f, 3, aggregator=aggregator, seed=3)
    with torch.no_grad():
        layer.bias.uniform_(-1, 1)
    conv = pyg_nn.SAGEConv(f, 3, aggr=aggregator)
    with torch.no_grad():
        conv.lin_l.weight.copy_(layer.weight_neigh.T)  # PyG: lin_l on the neighbours, with the bias
        conv.lin_l.bias.copy_(layer.bias)
        conv.lin_r.weight.copy_(layer.weight_self.T)
    x, x_ref = graph.x.clone().requires_grad_(), graph.x.clone().requires_grad_()
    ours, ref = layer(graph, x), conv(x_ref, graph.edge_index)
    torch.testing.assert_close(ours, ref, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(grads(ours, x)[0], grads(ref, x_ref)[0], rtol=1e-5, atol=1e-5)


@settings(max_examples=40, deadline=None, derandomize=True)
@given(graph=random_graphs(weighted=True))
def test_propagate_is_the_sparse_product_and_the_scatter(graph: Graph) -> None:
    x = graph.x.clone().requires_grad_()
    fast = propagate(graph, x)  # CSR kernel
    slow = scatter(x[graph.src] * graph.weights()[:, None], graph.dst, graph.num_nodes)  # index_add_
    dense = graph.adjacency() @ x
    torch.testing.assert_close(fast, slow, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(fast, dense, rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(grads(fast, x)[0], grads(dense, x)[0], rtol=1e-5, atol=1e-5)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(graph=random_graphs())
def test_mean_and_max_aggregation_by_their_definition(graph: Graph) -> None:
    mean, maximum = propagate(graph, graph.x, "mean"), propagate(graph, graph.x, "max")
    for v in range(graph.num_nodes):
        incoming = graph.x[graph.src[graph.dst == v]]
        if len(incoming) == 0:  # no message: zeros, like DGL and PyG
            assert torch.all(mean[v] == 0) and torch.all(maximum[v] == 0)
        else:
            torch.testing.assert_close(mean[v], incoming.mean(dim=0))
            torch.testing.assert_close(maximum[v], incoming.max(dim=0).values)


# -- permutation symmetry ------------------------------------------------------------------------------------
@settings(max_examples=30, deadline=None, derandomize=True)
@given(graph=random_graphs(weighted=True), seed=st.integers(0, 2**31), reduce=st.sampled_from(["sum", "mean", "max"]))
def test_node_outputs_are_equivariant_and_readouts_invariant(graph: Graph, seed: int, reduce: str) -> None:
    perm = torch.from_numpy(np.random.default_rng(seed).permutation(graph.num_nodes))
    moved = graph.permute(perm)
    f = graph.x.shape[1]
    for layer in (GCNLayer(f, 3, seed=0), SAGELayer(f, 3, aggregator=reduce, seed=0)):
        out, out_moved = layer(graph, graph.x), layer(moved, moved.x)
        torch.testing.assert_close(out_moved[perm], out, rtol=1e-5, atol=1e-5)  # node i is now node perm[i]
    batch = torch.zeros(graph.num_nodes, dtype=torch.long)
    model = GraphClassifier(f, 8, 3, reduce=reduce, seed=0)
    torch.testing.assert_close(model(moved, moved.x, batch), model(graph, graph.x, batch), rtol=1e-5, atol=1e-5)


def test_a_model_that_reads_node_order_is_not_equivariant() -> None:
    # The counter-example: flattening the feature matrix into an MLP ties each weight to a node id.
    graph = from_networkx(nx.path_graph(5), x=torch.eye(5))
    mlp = torch.nn.Linear(25, 2)
    perm = torch.tensor([4, 3, 2, 1, 0])
    moved = graph.permute(perm)
    assert not torch.allclose(mlp(graph.x.reshape(-1)), mlp(moved.x.reshape(-1)))


# -- edge cases, as documented ------------------------------------------------------------------------------
def test_isolated_node_keeps_only_its_own_features() -> None:
    g = Graph([[0, 1], [1, 0]], 3)
    layer = GCNLayer(2, 2, seed=0)
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [3.0, -1.0]])
    torch.testing.assert_close(layer(g, x)[2], x[2] @ layer.weight)  # self-loop weight 1 / (1 * 1)
    assert propagate(g, x)[2].tolist() == [0.0, 0.0]  # no incoming edge, no message


def test_self_loops_are_not_doubled_and_multi_edges_count_twice() -> None:
    x = torch.tensor([[1.0], [2.0]])
    plain, looped = Graph([[0, 1], [1, 0]], 2), Graph([[0, 1, 0, 1], [1, 0, 0, 1]], 2)
    torch.testing.assert_close(gcn_norm(plain).adjacency(), gcn_norm(looped).adjacency())
    double = Graph([[0, 0], [1, 1]], 2)  # the edge 0 -> 1 twice
    assert propagate(double, x).tolist() == [[0.0], [2.0]]
    # Node 1 has in-degree 2 + 1 (its self-loop), node 0 only its self-loop: each copy weighs 1 / sqrt(3 * 1).
    assert gcn_norm(double).adjacency()[1].tolist() == pytest.approx([2 / 3 ** 0.5, 1 / 3])


def test_directed_edges_carry_messages_one_way() -> None:
    g = Graph([[0], [1]], 2)  # 0 -> 1 only
    out = propagate(g, torch.tensor([[1.0], [5.0]]))
    assert out.tolist() == [[0.0], [1.0]]
    # Degrees come from incoming edges: node 0 hears only itself, node 1 hears 0 and itself.
    assert gcn_norm(g).adjacency().flatten().tolist() == pytest.approx([1.0, 0.0, 0.5 ** 0.5, 0.5])


def test_batching_equals_one_graph_at_a_time() -> None:
    rng = np.random.default_rng(0)
    parts = [from_networkx(nx.gnp_random_graph(n, 0.4, seed=n), x=torch.from_numpy(rng.normal(size=(n, 3))).float())
             for n in (4, 7, 1, 5)]
    big, batch = batch_graphs(parts)
    assert big.num_nodes == 17 and batch.bincount().tolist() == [4, 7, 1, 5]
    model = GraphClassifier(3, 8, 2, reduce="max", seed=0)
    one_by_one = torch.cat([model(p, p.x, torch.zeros(p.num_nodes, dtype=torch.long)) for p in parts])
    torch.testing.assert_close(model(big, big.x, batch), one_by_one, rtol=1e-5, atol=1e-6)


def test_readout_reduces_each_graph() -> None:
    x, batch = torch.tensor([[1.0, 2.0], [3.0, -2.0], [5.0, 0.0]]), torch.tensor([0, 0, 1])
    assert readout(x, batch, reduce="sum").tolist() == [[4.0, 0.0], [5.0, 0.0]]
    assert readout(x, batch, reduce="max").tolist() == [[3.0, 2.0], [5.0, 0.0]]
    assert readout(x, batch, num_graphs=3).tolist()[2] == [0.0, 0.0]


def test_without_message_passing_the_classifier_only_sees_the_bag_of_nodes() -> None:
    # Same node features, different edges: the num_layers=0 baseline cannot tell the graphs apart.
    x = torch.eye(4)
    ring, star = from_networkx(nx.cycle_graph(4)), from_networkx(nx.star_graph(3))
    batch = torch.zeros(4, dtype=torch.long)
    blind, gnn = GraphClassifier(4, 8, 2, num_layers=0, seed=0), GraphClassifier(4, 8, 2, seed=0)
    torch.testing.assert_close(blind(ring, x, batch), blind(star, x, batch))
    assert not torch.allclose(gnn(ring, x, batch), gnn(star, x, batch))


# -- conversions --------------------------------------------------------------------------------------------
@settings(max_examples=20, deadline=None, derandomize=True)
@given(graph=random_graphs(weighted=True))
def test_conversions_round_trip(graph: Graph) -> None:
    for back in (from_dgl(to_dgl(graph)), from_pyg(to_pyg(graph))):
        assert back.num_nodes == graph.num_nodes
        assert torch.equal(back.edge_index, graph.edge_index)
        torch.testing.assert_close(back.edge_weight, graph.edge_weight)
        torch.testing.assert_close(back.x, graph.x)
    nxg = to_networkx(graph)
    assert nxg.number_of_nodes() == graph.num_nodes and nxg.number_of_edges() == graph.num_edges
    again = from_networkx(nxg, weight="weight")
    key = lambda g: sorted(zip(g.src.tolist(), g.dst.tolist(), np.round(g.weights().numpy(), 5).tolist()))  # noqa: E731
    assert key(again) == key(graph)


def test_from_networkx_stores_both_directions_and_one_self_loop() -> None:
    g = nx.Graph([(0, 1), (1, 1)])
    assert sorted(map(tuple, from_networkx(g).edge_index.T.tolist())) == [(0, 1), (1, 0), (1, 1)]
    assert from_networkx(nx.DiGraph([(0, 1)])).edge_index.tolist() == [[0], [1]]


# -- training and tasks -------------------------------------------------------------------------------------
def test_karate_club_from_two_labelled_members() -> None:
    edge_index, y, train = load_karate_club()
    g, y = Graph(edge_index, 34), torch.from_numpy(y)
    model = GCN([34, 16, 2], seed=0)
    losses = train_node_classifier(lambda: model(g, torch.eye(34)), model.parameters(), y,
                                   torch.from_numpy(train), epochs=100, lr=0.01)
    assert losses[-1] < losses[0] / 10
    accuracy = (model(g, torch.eye(34)).argmax(1) == y).float().mean().item()
    assert accuracy > 0.8  # 2 labels out of 34, the rest from the graph


def test_link_prediction_helpers() -> None:
    g = from_networkx(nx.karate_club_graph())
    train, hidden = split_edges(g, 0.2, seed=0)
    assert hidden.shape == (2, 16) and train.num_edges == 2 * (78 - 16)
    train_pairs = set(map(tuple, train.edge_index.T.tolist()))
    assert not any((u, v) in train_pairs or (v, u) in train_pairs for u, v in hidden.T.tolist())
    neg = negative_edges(g, 200, seed=0)
    edges = set(map(tuple, g.edge_index.T.tolist()))
    assert neg.shape == (2, 200) and all(u != v and (u, v) not in edges for u, v in neg.T.tolist())
    assert len(set(map(tuple, neg.T.tolist()))) == 200
    assert torch.equal(neg, negative_edges(g, 200, seed=0))
    h = torch.randn(34, 4, generator=torch.Generator().manual_seed(0))
    assert edge_scores(h, hidden).tolist() == pytest.approx([float(h[u] @ h[v]) for u, v in hidden.T.tolist()], rel=1e-5)


@settings(max_examples=30, deadline=None, derandomize=True)
@given(pos=st.lists(st.integers(0, 5), min_size=1, max_size=20), neg=st.lists(st.integers(0, 5), min_size=1, max_size=20))
def test_roc_auc_equals_sklearn(pos: list[int], neg: list[int]) -> None:
    expected = roc_auc_score([1] * len(pos) + [0] * len(neg), pos + neg)
    assert roc_auc(pos, neg) == pytest.approx(expected)


def test_mean_cosine_similarity() -> None:
    assert mean_cosine_similarity(torch.ones(5, 3)) == pytest.approx(1.0)
    assert mean_cosine_similarity(torch.eye(4)) == pytest.approx(0.0)
    h = torch.randn(6, 3, generator=torch.Generator().manual_seed(0))
    u = torch.nn.functional.normalize(h, dim=1)
    expected = np.mean([float(u[i] @ u[j]) for i in range(6) for j in range(6) if i != j])
    assert mean_cosine_similarity(h) == pytest.approx(expected, rel=1e-5)


def test_deep_gcn_over_smooths() -> None:
    edge_index, _, _ = load_karate_club()
    g = Graph(edge_index, 34)
    shallow = GCN([34] + [16] * 2, seed=0).layer_outputs(g, torch.eye(34))[-1]
    deep = GCN([34] + [16] * 16, seed=0).layer_outputs(g, torch.eye(34))[-1]
    assert mean_cosine_similarity(deep) > 0.95 > mean_cosine_similarity(shallow)


def test_benchmark_runs_every_method_and_restores_the_threads() -> None:
    from labkit.graphs.tasks import METHODS

    threads = torch.get_num_threads()
    times = benchmark_gcn_layer(500, METHODS, features=8, repeats=2)
    assert list(times) == list(METHODS) and all(0 < t < 60 for t in times.values())
    assert torch.get_num_threads() == threads
    assert list(benchmark_gcn_layer(500, "dgl", features=8, repeats=1)) == ["dgl"]


def test_benchmark_pyg_paths_compute_the_same_layer() -> None:
    # The three ways of calling GCNConv that the benchmark times give the same outputs and gradients.
    from labkit.graphs.tasks import _gcn_step

    gen = torch.Generator().manual_seed(0)
    g = Graph(torch.randint(0, 40, (2, 300), generator=gen), 40)  # with self-loops and repeated edges
    results = []
    for method in ("pyg", "pyg_cached", "pyg_sparse"):
        x = torch.randn(40, 6, generator=torch.Generator().manual_seed(1), requires_grad=True)
        torch.manual_seed(0)  # the same initial weights for the three GCNConv
        step = _gcn_step(method, g, x, GCNLayer(6, 6))
        step()  # a first call fills the caches
        out = step()
        out.square().sum().backward()
        results.append((out.detach(), x.grad))
    for out, grad in results[1:]:
        torch.testing.assert_close(out, results[0][0], rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(grad, results[0][1], rtol=1e-5, atol=1e-5)


# -- bad input: every public name, a clear error naming the argument ----------------------------------------
G2 = Graph([[0, 1], [1, 0]], 2)
X2 = torch.ones(2, 3)


def _gcn_forward(**kw):
    return GCNLayer(3, 2)(**kw)


BAD_INPUTS = [
    ("Graph", Graph, dict(edge_index=[[0, 5], [1, 0]], num_nodes=2), ValueError, "edge_index"),
    ("Graph", Graph, dict(edge_index=[[0, -1], [1, 0]], num_nodes=2), ValueError, "edge_index"),
    ("Graph", Graph, dict(edge_index=[0, 1, 2], num_nodes=3), ValueError, "edge_index"),
    ("Graph", Graph, dict(edge_index=[[0.5], [1.0]], num_nodes=2), TypeError, "edge_index"),
    ("Graph", Graph, dict(edge_index=[[0], [1]], num_nodes=0), ValueError, "num_nodes"),
    ("Graph", Graph, dict(edge_index=[[0], [1]], num_nodes=2, edge_weight=[1.0, 2.0]), ValueError, "edge_weight"),
    ("Graph", Graph, dict(edge_index=[[0], [1]], num_nodes=2, x=torch.ones(3, 4)), ValueError, "x"),
    ("Graph", Graph, dict(edge_index="edges", num_nodes=2), TypeError, "edge_index"),
    ("Graph", lambda **kw: G2.permute(**kw), dict(perm=[0, 0]), ValueError, "perm"),
    ("batch_graphs", batch_graphs, dict(graphs=[]), ValueError, "graphs"),
    ("batch_graphs", batch_graphs, dict(graphs=[G2, "g"]), TypeError, "graphs"),
    ("batch_graphs", batch_graphs, dict(graphs=[G2, G2.with_features(X2)]), ValueError, "graphs"),
    ("from_networkx", from_networkx, dict(nx_graph=[(0, 1)]), TypeError, "nx_graph"),
    ("from_networkx", from_networkx, dict(nx_graph=nx.Graph()), ValueError, "nx_graph"),
    ("to_networkx", to_networkx, dict(graph=nx.path_graph(2)), TypeError, "graph"),
    ("to_dgl", to_dgl, dict(graph=None), TypeError, "graph"),
    ("from_dgl", from_dgl, dict(dgl_graph=G2), TypeError, "dgl_graph"),
    ("to_pyg", to_pyg, dict(graph=G2.edge_index), TypeError, "graph"),
    ("from_pyg", from_pyg, dict(data={"edge_index": [[0], [1]]}), TypeError, "data"),
    ("scatter", scatter, dict(src=X2, index=torch.tensor([0, 5]), num_nodes=2), ValueError, "index"),
    ("scatter", scatter, dict(src=X2, index=torch.tensor([0]), num_nodes=2), ValueError, "index"),
    ("scatter", scatter, dict(src=X2, index=torch.tensor([0, 1]), num_nodes=2, reduce="min"), ValueError, "reduce"),
    ("scatter", scatter, dict(src=np.ones((2, 3)), index=torch.tensor([0, 1]), num_nodes=2), TypeError, "src"),
    ("propagate", propagate, dict(graph=G2, x=torch.ones(3, 3)), ValueError, "x"),
    ("propagate", propagate, dict(graph=G2, x=torch.ones(2, 3, dtype=torch.long)), TypeError, "x"),
    ("propagate", propagate, dict(graph=G2.edge_index, x=X2), TypeError, "graph"),
    ("propagate", propagate, dict(graph=G2, x=X2, reduce="prod"), ValueError, "reduce"),
    ("gcn_norm", gcn_norm, dict(graph="G"), TypeError, "graph"),
    ("GCNLayer", GCNLayer, dict(in_features=0, out_features=2), ValueError, "in_features"),
    ("GCNLayer", GCNLayer, dict(in_features=3, out_features=2, seed=-1), ValueError, "seed"),
    ("GCNLayer", _gcn_forward, dict(graph=G2, x=torch.ones(2, 4)), ValueError, "x"),
    ("GCNLayer", _gcn_forward, dict(graph=G2, x=torch.ones(5, 3)), ValueError, "x"),
    ("SAGELayer", SAGELayer, dict(in_features=3, out_features=2, aggregator="lstm"), ValueError, "aggregator"),
    ("SAGELayer", SAGELayer, dict(in_features=3, out_features=2.0), TypeError, "out_features"),
    ("readout", readout, dict(x=X2, batch=torch.tensor([0])), ValueError, "batch"),
    ("readout", readout, dict(x=X2, batch=torch.tensor([0, 1]), reduce="median"), ValueError, "reduce"),
    ("readout", readout, dict(x=X2, batch=torch.tensor([0, 1]), num_graphs=0), ValueError, "num_graphs"),
    ("GCN", GCN, dict(sizes=[3]), ValueError, "sizes"),
    ("GCN", GCN, dict(sizes=[3, 2], activation="gelu"), ValueError, "activation"),
    ("GCN", GCN, dict(sizes=[3, 2], dropout=1.0), ValueError, "dropout"),
    ("GraphClassifier", GraphClassifier, dict(in_features=3, hidden=8, n_classes=2, num_layers=-1), ValueError,
     "num_layers"),
    ("GraphClassifier", GraphClassifier, dict(in_features=3, hidden=0, n_classes=2), ValueError, "hidden"),
    ("GraphClassifier", GraphClassifier, dict(in_features=3, hidden=8, n_classes=2, reduce="attention"),
     ValueError, "reduce"),
    ("train_node_classifier", train_node_classifier,
     dict(forward=None, parameters=[], y=torch.zeros(2, dtype=torch.long), train_nodes=torch.tensor([0])),
     TypeError, "forward"),
    ("train_node_classifier", train_node_classifier,
     dict(forward=lambda: X2, parameters=[], y=torch.zeros(2, dtype=torch.long), train_nodes=torch.tensor([0])),
     ValueError, "parameters"),
    ("train_node_classifier", train_node_classifier,
     dict(forward=lambda: X2, parameters=[torch.ones(1, requires_grad=True)], y=torch.zeros(2),
          train_nodes=torch.tensor([0])), TypeError, "y"),
    ("train_node_classifier", train_node_classifier,
     dict(forward=lambda: X2, parameters=[torch.ones(1, requires_grad=True)], y=torch.zeros(2, dtype=torch.long),
          train_nodes=torch.tensor([0]), lr=0.0), ValueError, "lr"),
    ("split_edges", split_edges, dict(graph=G2, test_fraction=1.0), ValueError, "test_fraction"),
    ("split_edges", split_edges, dict(graph=None), TypeError, "graph"),
    ("negative_edges", negative_edges, dict(graph=G2, num_samples=5), ValueError, "num_samples"),
    ("negative_edges", negative_edges, dict(graph=G2, num_samples=0), ValueError, "num_samples"),
    ("edge_scores", edge_scores, dict(h=X2, pairs=torch.tensor([0, 1])), ValueError, "pairs"),
    ("edge_scores", edge_scores, dict(h=[[1.0]], pairs=torch.tensor([[0], [0]])), TypeError, "h"),
    ("roc_auc", roc_auc, dict(positive=[], negative=[0.5]), ValueError, "positive"),
    ("mean_cosine_similarity", mean_cosine_similarity, dict(h=torch.ones(1, 3)), ValueError, "h"),
    ("mean_cosine_similarity", mean_cosine_similarity, dict(h=torch.ones(3)), TypeError, "h"),
    ("benchmark_gcn_layer", benchmark_gcn_layer, dict(num_edges=100, methods="cusparse"), ValueError, "methods"),
    ("benchmark_gcn_layer", benchmark_gcn_layer, dict(num_edges=100, methods=["labkit", "csr"]), ValueError,
     "methods"),
    ("benchmark_gcn_layer", benchmark_gcn_layer, dict(num_edges=100, methods=[]), ValueError, "methods"),
    ("benchmark_gcn_layer", benchmark_gcn_layer, dict(num_edges=0, methods="labkit"), ValueError, "num_edges"),
    ("benchmark_gcn_layer", benchmark_gcn_layer, dict(num_edges=10, methods="dgl", repeats=0), ValueError,
     "repeats"),
    ("benchmark_gcn_layer", benchmark_gcn_layer, dict(num_edges=10, methods="dgl", threads=0), ValueError,
     "threads"),
]


(test_bad_input_is_rejected_with_a_message_naming_the_argument,
 test_bad_input_table_covers_every_public_callable) = bad_input_tests(BAD_INPUTS, graphs)
