// IndexedDB: the app's local state. Stores: jobs (server copy + local changes), outbox (actions
// waiting for the server, in order), files (the bytes of queued uploads, apart so that listing the
// outbox stays cheap), meta (signed-in user, last refresh).

const NAME = "dispatch-pwa";
const VERSION = 1;
let opening = null;

function upgrade(db, oldVersion) {
  // One step per schema version, so that a phone that skipped versions still upgrades in order.
  if (oldVersion < 1) {
    db.createObjectStore("jobs", { keyPath: "id" });
    const outbox = db.createObjectStore("outbox", { keyPath: "seq", autoIncrement: true });
    outbox.createIndex("id", "id", { unique: true });
    outbox.createIndex("jobId", "jobId");
    db.createObjectStore("files", { keyPath: "id" });
    db.createObjectStore("meta", { keyPath: "key" });
  }
}

/** The open database (opened once per page). */
export function openDb() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(NAME, VERSION);
    request.onupgradeneeded = (event) => upgrade(request.result, event.oldVersion);
    request.onsuccess = () => {
      const db = request.result;
      // A newer app version in another tab wants to upgrade: let it.
      db.onversionchange = () => { db.close(); opening = null; };
      resolve(db);
    };
    request.onerror = () => { opening = null; reject(request.error); };
  });
  return opening;
}

/** A promise for an IDBRequest's result. */
export function done(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

/**
 * Run `work(tx)` in one transaction over `stores`; resolves with work's result once the
 * transaction has committed, rejects (and aborts) when work throws. `work` may only await IDB requests.
 */
export async function transaction(stores, mode, work) {
  const db = await openDb();
  return new Promise((resolve, reject) => {
    const tx = db.transaction(stores, mode);
    let result;
    let failure = null;
    tx.oncomplete = () => resolve(result);
    tx.onabort = () => reject(failure || tx.error || new DOMException("Transaction aborted", "AbortError"));
    Promise.resolve()
      .then(() => work(tx))
      .then((value) => { result = value; }, (error) => {
        failure = error;
        try { tx.abort(); } catch { reject(error); }
      });
  });
}

/** One value of a store. */
export function get(store, key) {
  return transaction([store], "readonly", (tx) => done(tx.objectStore(store).get(key)));
}

/** Every value of a store, in key order. */
export function getAll(store) {
  return transaction([store], "readonly", (tx) => done(tx.objectStore(store).getAll()));
}

/** A meta value (or `fallback`). */
export async function getMeta(key, fallback = null) {
  const row = await get("meta", key);
  return row ? row.value : fallback;
}

/** Store a meta value. */
export function setMeta(key, value) {
  return transaction(["meta"], "readwrite", (tx) => done(tx.objectStore("meta").put({ key, value })));
}

/** Empty the given stores (on sign-out, or when another technician signs in on this phone). */
export function clear(stores) {
  return transaction(stores, "readwrite", (tx) => Promise.all(stores.map((s) => done(tx.objectStore(s).clear()))));
}
