// Shared by both bench pages: counts the frames each remote tile presents, with the time of the first.
export function watchTile(probe, peerId, video) {
  const tile = { firstFrameAt: undefined, frames: 0, video };
  probe.tiles.set(peerId, tile);
  const onFrame = () => {
    tile.firstFrameAt ??= performance.timeOrigin + performance.now();
    tile.frames++;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

window.benchSnapshot = () => ({
  present: window.bench?.present,
  navigationStart: performance.timeOrigin,
  leaves: window.bench?.leaves ?? [],
  tiles: [...(window.bench?.tiles ?? new Map()).entries()].map(([id, t]) => ({ id, firstFrameAt: t.firstFrameAt, frames: t.frames })),
});
