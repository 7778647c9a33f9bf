import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { pollFrames, type FrameReader } from "@/components/scan/decoder";

/** A stand-in for the camera's <video>: the fields pollFrames reads, changed by the test as a camera would. */
function camera(width: number, height: number): { readyState: number; videoWidth: number; videoHeight: number } {
  return { readyState: HTMLMediaElement.HAVE_ENOUGH_DATA, videoWidth: width, videoHeight: height };
}

describe("pollFrames", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("waits for the camera's first frame, survives a reader's error, and reports the code it then reads", async () => {
    const video = camera(0, 0);
    const read = vi.fn<FrameReader>();
    read.mockRejectedValueOnce(new DOMException("The source width is 0.", "IndexSizeError"));
    read.mockResolvedValueOnce(undefined);
    read.mockResolvedValue("https://shop.example/spools/42");
    const texts: string[] = [];
    const stop = pollFrames(video as unknown as HTMLVideoElement, read, (text) => texts.push(text), 100);

    await vi.advanceTimersByTimeAsync(350);
    expect(read).not.toHaveBeenCalled(); // no size yet: nothing to read

    video.videoWidth = 640;
    video.videoHeight = 480;
    await vi.advanceTimersByTimeAsync(300);
    expect(read).toHaveBeenCalledTimes(3); // the error, an empty frame, then the code
    expect(texts).toEqual(["https://shop.example/spools/42"]);
    stop();
  });

  it("reads nothing more once stopped", async () => {
    const read = vi.fn<FrameReader>().mockResolvedValue(undefined);
    const stop = pollFrames(camera(640, 480) as unknown as HTMLVideoElement, read, () => undefined, 100);
    await vi.advanceTimersByTimeAsync(250);
    const before = read.mock.calls.length;
    expect(before).toBeGreaterThan(0);
    stop();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(read).toHaveBeenCalledTimes(before);
  });

  it("skips frames until the camera has data", async () => {
    const video = { ...camera(640, 480), readyState: HTMLMediaElement.HAVE_METADATA as number };
    const read = vi.fn<FrameReader>().mockResolvedValue("FIL-001");
    const texts: string[] = [];
    const stop = pollFrames(video as unknown as HTMLVideoElement, read, (text) => texts.push(text), 100);
    await vi.advanceTimersByTimeAsync(250);
    expect(read).not.toHaveBeenCalled();
    video.readyState = HTMLMediaElement.HAVE_CURRENT_DATA;
    await vi.advanceTimersByTimeAsync(100);
    expect(texts[0]).toBe("FIL-001");
    stop();
  });
});
