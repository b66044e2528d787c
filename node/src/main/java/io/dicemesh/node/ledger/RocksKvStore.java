package io.dicemesh.node.ledger;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.AbstractNativeReference;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Checkpoint;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteOptions;

/**
 * The daemon's {@link KvStore}: one RocksDB database with a column family per {@link Column}, written through its
 * write-ahead log. Thread-safe; {@link #close} waits for operations in progress and then rejects new ones (using a
 * closed RocksDB handle would crash the JVM, not throw).
 */
public final class RocksKvStore implements KvStore {
    /** Block cache shared by every column family; the ledger's working set is small. */
    private static final long BLOCK_CACHE_BYTES = 16L * 1024 * 1024;
    private static final long COLUMN_WRITE_BUFFER_BYTES = 4L * 1024 * 1024;
    private static final int COLUMN_WRITE_BUFFERS_MAX = 2;
    /** All memtables together; reaching it flushes the largest. */
    private static final long DB_WRITE_BUFFER_BYTES = 32L * 1024 * 1024;
    /** WAL kept before column families that rarely change (meta) are flushed so old WAL files can go. */
    private static final long WAL_BYTES_MAX = 64L * 1024 * 1024;
    private static final int OPEN_FILES_MAX = 512;
    private static final int BACKGROUND_JOBS_MAX = 2;
    private static final long INFO_LOG_FILE_BYTES_MAX = 4L * 1024 * 1024;
    private static final int INFO_LOG_FILES_KEPT = 4;
    private static final double BLOOM_BITS_PER_KEY = 10;

    private final Path dir;
    private final RocksDB db;
    private final EnumMap<Column, ColumnFamilyHandle> handles;
    /** Every handle opened, including "default" and column families this build does not know. */
    private final List<ColumnFamilyHandle> allHandles;
    private final WriteOptions syncWrites;
    private final WriteOptions asyncWrites;
    /** Native objects the database uses, in creation order; closed after it, newest first. */
    private final List<AbstractNativeReference> resources;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private RocksKvStore(Path dir, RocksDB db, List<ColumnFamilyHandle> allHandles, WriteOptions syncWrites,
            WriteOptions asyncWrites, List<AbstractNativeReference> resources) {
        this.dir = dir;
        this.db = db;
        this.allHandles = List.copyOf(allHandles);
        this.syncWrites = syncWrites;
        this.asyncWrites = asyncWrites;
        this.resources = resources;
        this.handles = new EnumMap<>(Column.class);
        for (ColumnFamilyHandle handle : allHandles) {
            String name = new String(handleName(handle), StandardCharsets.UTF_8);
            for (Column column : Column.values()) {
                if (column.cfName().equals(name)) {
                    handles.put(column, handle);
                }
            }
        }
        if (handles.size() != Column.values().length) {
            throw new AssertionError("column family handles missing: opened " + handles.keySet());
        }
    }

    /**
     * Opens the ledger in dir, creating the dir, the database and every column family if missing. Column families
     * this build does not know are opened too, so that a ledger written by a newer dicemesh fails at
     * {@link LedgerFormat#checkOrInitialize}, with a clear message, rather than here.
     *
     * @throws LedgerException with a one-line message when the ledger cannot be opened (e.g. locked by another
     *         running dicemesh process, damaged, not a directory)
     */
    public static RocksKvStore open(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        createDir(abs);
        loadNativeLibrary();
        List<AbstractNativeReference> resources = new ArrayList<>();
        try {
            LRUCache cache = track(resources, new LRUCache(BLOCK_CACHE_BYTES));
            BloomFilter bloom = track(resources, new BloomFilter(BLOOM_BITS_PER_KEY));
            ColumnFamilyOptions columnOptions = track(resources, new ColumnFamilyOptions()
                    .setWriteBufferSize(COLUMN_WRITE_BUFFER_BYTES)
                    .setMaxWriteBufferNumber(COLUMN_WRITE_BUFFERS_MAX)
                    .setTableFormatConfig(new BlockBasedTableConfig()
                            .setBlockCache(cache)
                            .setFilterPolicy(bloom)
                            .setCacheIndexAndFilterBlocks(true)
                            .setPinL0FilterAndIndexBlocksInCache(true)));
            DBOptions dbOptions = track(resources, new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setParanoidChecks(true)
                    // After a power loss, recover the longest consistent prefix of the WAL: a batch is all or nothing.
                    .setWalRecoveryMode(WALRecoveryMode.PointInTimeRecovery)
                    .setDbWriteBufferSize(DB_WRITE_BUFFER_BYTES)
                    .setMaxTotalWalSize(WAL_BYTES_MAX)
                    .setMaxOpenFiles(OPEN_FILES_MAX)
                    .setMaxBackgroundJobs(BACKGROUND_JOBS_MAX)
                    .setMaxLogFileSize(INFO_LOG_FILE_BYTES_MAX)
                    .setKeepLogFileNum(INFO_LOG_FILES_KEPT));
            WriteOptions syncWrites = track(resources, new WriteOptions().setSync(true));
            WriteOptions asyncWrites = track(resources, new WriteOptions().setSync(false));

            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] name : columnFamilyNames(abs)) {
                descriptors.add(new ColumnFamilyDescriptor(name, columnOptions));
            }
            List<ColumnFamilyHandle> opened = new ArrayList<>();
            RocksDB db;
            try {
                db = RocksDB.open(dbOptions, abs.toString(), descriptors, opened);
            } catch (RocksDBException e) {
                throw openFailure(abs, e);
            }
            try {
                return new RocksKvStore(abs, db, opened, syncWrites, asyncWrites, resources);
            } catch (RuntimeException | Error e) {
                opened.forEach(ColumnFamilyHandle::close);
                db.close();
                throw e;
            }
        } catch (RuntimeException | Error e) {
            closeNewestFirst(resources);
            throw e;
        }
    }

    /** The ledger's directory (absolute). */
    public Path dir() {
        return dir;
    }

    @Override
    public byte[] get(Column column, byte[] key) {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(key, "key");
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return db.get(handles.get(column), key);
        } catch (RocksDBException e) {
            throw failure("read from " + column.cfName(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    @Override
    public void scan(Column column, byte[] fromInclusive, byte[] toExclusive, KvVisitor visitor) {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(fromInclusive, "fromInclusive");
        Objects.requireNonNull(visitor, "visitor");
        if (toExclusive != null && Arrays.compareUnsigned(fromInclusive, toExclusive) >= 0) {
            return;
        }
        lifecycle.readLock().lock();
        // The iterator reads one consistent view (an implicit snapshot) and must close before its ReadOptions and
        // their upper bound, which try-with-resources does in reverse order.
        try (Slice upperBound = toExclusive == null ? null : new Slice(toExclusive);
                ReadOptions readOptions = readOptions(upperBound);
                RocksIterator it = openIterator(column, readOptions)) {
            for (it.seek(fromInclusive); it.isValid(); it.next()) {
                if (!visitor.visit(it.key(), it.value())) {
                    return;
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw failure("scan of " + column.cfName(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    private static ReadOptions readOptions(Slice upperBound) {
        ReadOptions readOptions = new ReadOptions();
        if (upperBound != null) {
            readOptions.setIterateUpperBound(upperBound);
        }
        return readOptions;
    }

    /** Called with the lifecycle read lock held. */
    private RocksIterator openIterator(Column column, ReadOptions readOptions) {
        checkOpen();
        return db.newIterator(handles.get(column), readOptions);
    }

    @Override
    public void write(WriteBatch batch, boolean sync) {
        Objects.requireNonNull(batch, "batch");
        lifecycle.readLock().lock();
        try (org.rocksdb.WriteBatch rocksBatch = new org.rocksdb.WriteBatch()) {
            checkOpen();
            if (batch.isEmpty()) {
                if (sync) {
                    db.syncWal();
                }
                return;
            }
            for (WriteBatch.Op op : batch.ops()) {
                ColumnFamilyHandle handle = handles.get(op.column());
                if (op.kind() == WriteBatch.Kind.PUT) {
                    rocksBatch.put(handle, op.keyShared(), op.valueShared());
                } else {
                    rocksBatch.delete(handle, op.keyShared());
                }
            }
            db.write(sync ? syncWrites : asyncWrites, rocksBatch);
        } catch (RocksDBException e) {
            throw failure("write", e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Writes a consistent copy of the ledger to targetDir with RocksDB's Checkpoint (hard links where the file
     * system allows, copies otherwise); the copy opens with {@link #open}. The store stays usable whatever happens.
     *
     * @throws FileAlreadyExistsException if targetDir exists
     * @throws IOException if the copy cannot be written
     */
    public void checkpoint(Path targetDir) throws IOException {
        Path target = targetDir.toAbsolutePath().normalize();
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new FileAlreadyExistsException(target.toString(), null, "checkpoint target already exists");
        }
        if (target.getParent() != null) {
            Files.createDirectories(target.getParent());
        }
        lifecycle.readLock().lock();
        try (Checkpoint checkpoint = Checkpoint.create(checkOpen())) {
            checkpoint.createCheckpoint(target.toString());
        } catch (RocksDBException e) {
            throw new IOException("cannot write a checkpoint of the ledger at " + dir + " to " + target + ": "
                    + e.getMessage(), e);
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /**
     * Syncs the WAL (so a clean close keeps even unsynced writes across a power loss), then closes the column
     * families, the database and its options, in that order. Waits for operations in progress; idempotent.
     *
     * @throws LedgerException if the final sync or the close failed (everything is released anyway)
     */
    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            RocksDBException failure = null;
            try {
                db.syncWal();
            } catch (RocksDBException e) {
                failure = e;
            }
            for (ColumnFamilyHandle handle : allHandles) {
                handle.close();
            }
            try {
                db.closeE();
            } catch (RocksDBException e) {
                failure = failure == null ? e : failure;
            }
            closeNewestFirst(resources);
            if (failure != null) {
                throw failure("close", failure);
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }

    @Override
    public String toString() {
        return "RocksKvStore[" + dir + "]";
    }

    /** Returns the database; called with the lifecycle lock held. */
    private RocksDB checkOpen() {
        if (closed) {
            throw new IllegalStateException("ledger at " + dir + " is closed");
        }
        return db;
    }

    private LedgerException failure(String what, RocksDBException e) {
        return new LedgerException("ledger at " + dir + ": " + what + " failed: " + e.getMessage(), e);
    }

    private static void createDir(Path dir) {
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new LedgerException("ledger path " + dir + " exists and is not a directory");
        }
        try {
            Files.createDirectories(dir);
            OwnerOnly.directory(dir); // the ledger holds every table's state and this node's votes
        } catch (IOException e) {
            throw new LedgerException("cannot create the ledger dir " + dir + ": " + e, e);
        }
    }

    private static void loadNativeLibrary() {
        try {
            RocksDB.loadLibrary(); // loads once per JVM; later calls return at once
        } catch (LinkageError | RuntimeException e) {
            throw new LedgerException("cannot load the RocksDB native library: " + e, e);
        }
    }

    /** "default", then every {@link Column}, then any other column family already in the database. */
    private static List<byte[]> columnFamilyNames(Path dir) {
        List<byte[]> names = new ArrayList<>();
        names.add(RocksDB.DEFAULT_COLUMN_FAMILY);
        List<String> known = new ArrayList<>();
        known.add(new String(RocksDB.DEFAULT_COLUMN_FAMILY, StandardCharsets.UTF_8));
        for (Column column : Column.values()) {
            names.add(column.cfName().getBytes(StandardCharsets.UTF_8));
            known.add(column.cfName());
        }
        if (!Files.exists(dir.resolve("CURRENT"))) {
            return names; // a new database
        }
        try (Options options = new Options()) {
            for (byte[] existing : RocksDB.listColumnFamilies(options, dir.toString())) {
                if (!known.contains(new String(existing, StandardCharsets.UTF_8))) {
                    names.add(existing);
                }
            }
        } catch (RocksDBException e) {
            throw openFailure(dir, e);
        }
        return names;
    }

    private static LedgerException openFailure(Path dir, RocksDBException e) {
        String message = String.valueOf(e.getMessage());
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        if (code == Status.Code.IOError && message.contains("lock hold by current process")) {
            return new LedgerException("ledger at " + dir + " is already open in this process", e);
        }
        if (code == Status.Code.IOError && message.contains("While lock file")) {
            return new LedgerException("ledger at " + dir + " is locked by another running dicemesh process; stop "
                    + "that process or use another data dir", e);
        }
        if (code == Status.Code.Corruption) {
            return new LedgerException("ledger at " + dir + " is damaged (" + message + "); restore it from a backup",
                    e);
        }
        return new LedgerException("cannot open the ledger at " + dir + ": " + message, e);
    }

    private static byte[] handleName(ColumnFamilyHandle handle) {
        try {
            return handle.getName();
        } catch (RocksDBException e) {
            throw new LedgerException("cannot read a column family's name: " + e.getMessage(), e);
        }
    }

    private static <T extends AbstractNativeReference> T track(List<AbstractNativeReference> resources, T resource) {
        resources.add(resource);
        return resource;
    }

    private static void closeNewestFirst(List<AbstractNativeReference> resources) {
        for (int i = resources.size() - 1; i >= 0; i--) {
            resources.get(i).close();
        }
    }
}
