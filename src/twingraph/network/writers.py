"""The network in each format: GraphML and GEXF for Gephi, networkx and igraph; GeoJSON (RFC 7946)
for QGIS and web maps; edge and node lists as CSV for pandas and R."""

from __future__ import annotations

import csv
import io
import json
import textwrap
from collections.abc import Iterator
from xml.sax.saxutils import quoteattr

from twingraph.formats import spreadsheet_row
from twingraph.network.model import Edge, Network, Node

NODE_ATTRIBUTES = (("qid", "string"), ("label", "string"), ("country", "string"), ("latitude", "double"),
                   ("longitude", "double"))  # fmt: skip
EDGE_ATTRIBUTES = (("start", "int"), ("end", "int"), ("kind", "string"), ("status", "string"), ("sources", "int"),
                   ("iri", "string"))  # fmt: skip


CHUNK = 1 << 16  # characters gathered before they are encoded and handed on


def write(net: Network, fmt: str) -> bytes:
    """The network in one of the formats formats.NETWORK_FORMATS names."""
    return b"".join(chunks(net, fmt))


def chunks(net: Network, fmt: str) -> Iterator[bytes]:
    """The same bytes as `write`, in pieces of about 64 KiB: a file is written as it is made,
    and the whole text of World×10's network is never held at once."""
    writers = {"graphml": graphml, "gexf": gexf, "geojson": geojson, "edges-csv": edges_csv, "nodes-csv": nodes_csv}
    pending: list[str] = []
    size = 0
    for text in writers[fmt](net):
        pending.append(text)
        size += len(text)
        if size >= CHUNK:
            yield "".join(pending).encode("utf-8")
            pending, size = [], 0
    if pending:
        yield "".join(pending).encode("utf-8")


def _node_values(node: Node) -> list[tuple[str, object]]:
    return [("qid", node.qid), ("label", node.label), ("country", node.country), ("latitude", node.latitude),
            ("longitude", node.longitude)]  # fmt: skip


def _edge_values(edge: Edge) -> list[tuple[str, object]]:
    return [("start", edge.start), ("end", edge.end), ("kind", edge.kind), ("status", edge.status),
            ("sources", edge.sources), ("iri", edge.iri)]  # fmt: skip


def _text(value: object) -> str:
    from xml.sax.saxutils import escape

    return escape(str(value))


def graphml(net: Network) -> Iterator[str]:
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<graphml xmlns="http://graphml.graphdrawing.org/xmlns">\n'
    for name, kind in NODE_ATTRIBUTES:
        yield f'  <key id="n_{name}" for="node" attr.name="{name}" attr.type="{kind}"/>\n'
    for name, kind in EDGE_ATTRIBUTES:
        yield f'  <key id="e_{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>\n'
    yield '  <graph id="twinnings" edgedefault="undirected">\n'
    for node in net.nodes:
        yield f"    <node id={quoteattr(node.id)}>"
        yield "".join(f'<data key="n_{k}">{_text(v)}</data>' for k, v in _node_values(node) if v not in (None, ""))
        yield "</node>\n"
    for number, edge in enumerate(net.edges):
        yield f'    <edge id="e{number}" source={quoteattr(edge.source)} target={quoteattr(edge.target)}>'
        yield "".join(f'<data key="e_{k}">{_text(v)}</data>' for k, v in _edge_values(edge) if v not in (None, ""))
        yield "</edge>\n"
    yield "  </graph>\n</graphml>\n"


def gexf(net: Network) -> Iterator[str]:
    """GEXF 1.2 with dynamic edges (start and end years), so Gephi's timeline shows the waves."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<gexf xmlns="http://www.gexf.net/1.2draft" version="1.2">\n'
    yield '  <graph mode="dynamic" defaultedgetype="undirected" timeformat="integer">\n'
    yield '    <attributes class="node">\n'
    for number, (name, kind) in enumerate(NODE_ATTRIBUTES):
        yield f'      <attribute id="{number}" title="{name}" type="{"double" if kind == "double" else "string"}"/>\n'
    yield '    </attributes>\n    <attributes class="edge">\n'
    edge_attributes = [(n, k) for n, k in EDGE_ATTRIBUTES if n not in ("start", "end")]
    for number, (name, kind) in enumerate(edge_attributes):
        yield f'      <attribute id="{number}" title="{name}" type="{"integer" if kind == "int" else "string"}"/>\n'
    yield "    </attributes>\n    <nodes>\n"
    for node in net.nodes:
        values = "".join(
            f'<attvalue for="{i}" value={quoteattr(str(v))}/>'
            for i, (_, v) in enumerate(_node_values(node)) if v not in (None, "")
        )  # fmt: skip
        opening = f"<node id={quoteattr(node.id)} label={quoteattr(node.label)}>"
        yield f"      {opening}<attvalues>{values}</attvalues></node>\n"
    yield "    </nodes>\n    <edges>\n"
    for number, edge in enumerate(net.edges):
        period = (f' start="{edge.start}"' if edge.start else "") + (f' end="{edge.end}"' if edge.end else "")
        values = "".join(
            f'<attvalue for="{i}" value={quoteattr(str(v))}/>'
            for i, (_, v) in enumerate(x for x in _edge_values(edge) if x[0] not in ("start", "end"))
            if v not in (None, "")
        )
        yield (f'      <edge id="e{number}" source={quoteattr(edge.source)} target={quoteattr(edge.target)}{period}>'
               f"<attvalues>{values}</attvalues></edge>\n")  # fmt: skip
    yield "    </edges>\n  </graph>\n</gexf>\n"


def geojson(net: Network) -> Iterator[str]:
    """Places with coordinates as Points, partnerships between them as LineStrings (a line that
    crosses the antimeridian is split there into a MultiLineString, RFC 7946 §3.1.9)."""
    placed = {n.id: n for n in net.nodes if n.latitude is not None and n.longitude is not None}

    def features() -> Iterator[dict[str, object]]:
        for node in placed.values():
            properties = {k: v for k, v in _node_values(node) if k not in ("latitude", "longitude")}
            point = {"type": "Point", "coordinates": [node.longitude, node.latitude]}
            yield {"type": "Feature", "id": node.id, "geometry": point, "properties": properties}
        for edge in net.edges:
            a, b = placed.get(edge.source), placed.get(edge.target)
            if a is not None and b is not None:
                properties = {"source": edge.source, "target": edge.target, **dict(_edge_values(edge))}
                yield {"type": "Feature", "id": edge.iri, "geometry": _line(a, b), "properties": properties}

    # Feature by feature, in the layout json.dumps(indent=1) gives the whole collection.
    yield '{\n "type": "FeatureCollection",\n "features": ['
    empty = True
    for feature in features():
        yield ("\n" if empty else ",\n") + textwrap.indent(json.dumps(feature, ensure_ascii=False, indent=1), "  ")
        empty = False
    yield "]\n}\n" if empty else "\n ]\n}\n"


def _line(a: Node, b: Node) -> dict[str, object]:
    assert a.longitude is not None
    assert a.latitude is not None
    assert b.longitude is not None
    assert b.latitude is not None
    start, end = [a.longitude, a.latitude], [b.longitude, b.latitude]
    if abs(b.longitude - a.longitude) <= 180:
        return {"type": "LineString", "coordinates": [start, end]}
    # The short way crosses ±180: the crossing latitude by linear interpolation, on the shifted line.
    shifted = b.longitude + (360 if b.longitude < a.longitude else -360)
    edge = 180 if shifted > a.longitude else -180
    share = (edge - a.longitude) / (shifted - a.longitude)
    latitude = a.latitude + share * (b.latitude - a.latitude)
    return {"type": "MultiLineString", "coordinates": [[start, [edge, latitude]], [[-edge, latitude], end]]}


def edges_csv(net: Network) -> Iterator[str]:
    rows = ([e.source, e.target, *(v for _, v in _edge_values(e))] for e in net.edges)
    yield from _csv(["source", "target", *(name for name, _ in EDGE_ATTRIBUTES)], rows)


def nodes_csv(net: Network) -> Iterator[str]:
    rows = ([n.id, n.iri, *(v for _, v in _node_values(n))] for n in net.nodes)
    yield from _csv(["id", "iri", *(name for name, _ in NODE_ATTRIBUTES)], rows)


def _csv(header: list[str], rows: Iterator[list[object]]) -> Iterator[str]:
    """A CSV table (RFC 4180, CRLF), missing values as empty cells, a row at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def line(values: list[object]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(values)
        return buffer.getvalue()

    yield line(list(header))
    for row in rows:
        yield line(spreadsheet_row("" if value is None else value for value in row))
