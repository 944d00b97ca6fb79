// Sharding: a job's slot (a stable hash of its id) and which of K shards owns a slot. Each shard has its own
// lease, so K shards can be led by up to K instances at once; K = 1 is the single-leader design.

/** Slots a job id hashes to. A shard owns the slots congruent to it modulo K, so K can change without rehashing. */
export const SLOTS = 4096;

/** The slot of a job id: FNV-1a (32-bit) over its UTF-16 code units, modulo SLOTS. Stable across versions. */
export function jobSlot(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    h ^= id.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % SLOTS;
}

/** The shard (0..shards-1) that owns a slot. */
export function shardOfSlot(slot: number, shards: number): number {
  return slot % shards;
}

/** The lease row a shard is led under: "scheduler" with one shard (as before sharding), "scheduler:k" with more. */
export function shardLeaseName(shard: number, shards: number): string {
  return shards === 1 ? "scheduler" : `scheduler:${shard}`;
}

/** The most shards an instance should lead when `live` instances share `shards` shards. */
export function fairShare(shards: number, live: number): number {
  return Math.ceil(shards / Math.max(1, live));
}

export const MAX_SHARDS = 64;
