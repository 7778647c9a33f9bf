"""OpenTelemetry tracing: OTLP export when ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set, W3C context always.

The W3C ``traceparent`` is read from incoming HTTP requests and message headers and written to outgoing
ones, so one trace spans gateway → service → outbox → relay → consumer, whether or not spans are exported.

Spans are recorded only when they can be exported: with no endpoint every span is a non-recording one
(it still has its trace and span ids, so logs and ``traceparent`` carry them), because building and
discarding full spans cost a GET about a tenth of a service's CPU (bench/README.md, issue 14). With an
endpoint, ``sample_ratio`` of the traces started here are kept, and a trace started upstream keeps the
caller's decision (``ParentBased``), so a trace is recorded whole or not at all.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping

from opentelemetry import propagate, trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import ALWAYS_OFF, ParentBased, Sampler, TraceIdRatioBased

_configured = False


def configure_tracing(service: str, otlp_endpoint: str | None, sample_ratio: float = 1.0) -> None:
    """Install a tracer provider once per process; spans are recorded and exported only when an endpoint
    is set."""
    global _configured
    if _configured:
        return
    provider = TracerProvider(
        resource=Resource.create({"service.name": f"batchivo-{service}"}),
        sampler=sampler_for(otlp_endpoint, sample_ratio),
    )
    if otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=_traces_url(otlp_endpoint))))
    trace.set_tracer_provider(provider)
    _configured = True


def sampler_for(otlp_endpoint: str | None, sample_ratio: float) -> Sampler:
    if not otlp_endpoint:
        return ALWAYS_OFF
    return ParentBased(TraceIdRatioBased(sample_ratio))


def _traces_url(endpoint: str) -> str:
    endpoint = endpoint.rstrip("/")
    return endpoint if endpoint.endswith("/v1/traces") else endpoint + "/v1/traces"


def tracer(name: str = "batchivo") -> trace.Tracer:
    return trace.get_tracer(name)


def extract_context(carrier: Mapping[str, str]) -> Context:
    return propagate.extract(carrier)


def inject_context(
    carrier: MutableMapping[str, str], context: Context | None = None
) -> MutableMapping[str, str]:
    """Write ``traceparent``/``tracestate`` of the current (or given) span into ``carrier``."""
    propagate.inject(carrier, context=context)
    return carrier
