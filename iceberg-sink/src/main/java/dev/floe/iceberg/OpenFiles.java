package dev.floe.iceberg;

/**
 * The data files a subtask has open, across every table, in the order they were last written:
 * an intrusive list, so that touching a file on every row costs two pointer moves and nothing is
 * allocated. Past the bound, the least recently written file is closed by its owner.
 */
final class OpenFiles {
    private final int bound;
    private final long bufferBound;
    private final Entry head = new Entry();
    // written by the writer's thread only when a file opens or closes; volatile for metrics scrapes
    private volatile int open;
    private volatile int mostOpen;
    private long buffered;
    private long mostBuffered;

    OpenFiles(int bound, long bufferBound) {
        this.bound = bound;
        this.bufferBound = bufferBound;
        head.previous = head;
        head.next = head;
    }

    /** A file's place in the list; subclassed by the open file itself. */
    static class Entry {
        Entry previous;
        Entry next;

        /** Closes this file because too many are open; called by {@link OpenFiles#add}. */
        void evict() {
            throw new IllegalStateException("the list's head is never evicted");
        }
    }

    /** Adds a newly opened file as the most recent, closing the least recent past the bound. */
    void add(Entry entry) {
        link(entry);
        open++;
        while (open > bound) {
            Entry eldest = head.next;
            remove(eldest);
            eldest.evict();
        }
        mostOpen = Math.max(mostOpen, open);
    }

    /** The file was written to: it becomes the most recent. */
    void touch(Entry entry) {
        if (head.previous != entry) {
            unlink(entry);
            link(entry);
        }
    }

    /** The file was closed by its owner. */
    void remove(Entry entry) {
        if (entry.next != null) {
            unlink(entry);
            entry.next = null;
            entry.previous = null;
            open--;
        }
    }

    /**
     * A row was buffered to be sorted; whether the subtask's rows buffered over every file reach the
     * bound, so that the caller writes a buffer out.
     */
    boolean buffered() {
        buffered++;
        mostBuffered = Math.max(mostBuffered, buffered);
        return buffered >= bufferBound;
    }

    /** Rows buffered to be sorted were written out or dropped. */
    void unbuffered(int rows) {
        buffered -= rows;
    }

    /** The most rows buffered at once, over every file. */
    long mostBuffered() {
        return mostBuffered;
    }

    int open() {
        return open;
    }

    int mostOpen() {
        return mostOpen;
    }

    private void link(Entry entry) {
        entry.previous = head.previous;
        entry.next = head;
        head.previous.next = entry;
        head.previous = entry;
    }

    private static void unlink(Entry entry) {
        entry.previous.next = entry.next;
        entry.next.previous = entry.previous;
    }
}
