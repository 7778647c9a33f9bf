"""Spans are recorded only when they can be exported; a sampled caller's trace stays whole."""

from batchivo_common.observability.tracing import sampler_for
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags


def _tracer(endpoint: str | None, ratio: float) -> trace.Tracer:
    return TracerProvider(sampler=sampler_for(endpoint, ratio)).get_tracer("t")


def test_without_an_endpoint_spans_are_not_recorded_but_keep_their_ids() -> None:
    with _tracer(None, 1.0).start_as_current_span("request") as span:
        assert not span.is_recording()
        context = span.get_span_context()
        assert context.is_valid and context.trace_id and context.span_id


def test_with_an_endpoint_the_ratio_decides_for_new_traces() -> None:
    assert _tracer("http://otel:4318", 1.0).start_span("kept").is_recording()
    assert not _tracer("http://otel:4318", 0.0).start_span("dropped").is_recording()


def test_a_sampled_caller_is_followed_whatever_the_ratio() -> None:
    parent = SpanContext(
        trace_id=0x1234, span_id=0x42, is_remote=True, trace_flags=TraceFlags(TraceFlags.SAMPLED)
    )
    context = trace.set_span_in_context(NonRecordingSpan(parent))
    span = _tracer("http://otel:4318", 0.0).start_span("child", context=context)
    assert span.is_recording() and span.get_span_context().trace_id == 0x1234
