// Implementation of the libhdf5 shim declared in include/hdf5_shim.h.
#include "hdf5_shim.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

// H5dont_atexit: libhdf5 must not run its own cleanup at process exit. After a failed write
// (a full disk) H5Fclose fails and leaves the file half-closed in the library; its exit-time
// cleanup then closes it again and crashes (SIGSEGV in H5F code after snnc had reported the
// error; DiskFullTests). snnc closes every file it writes itself, so there is nothing to clean up.
void snnc_h5_init(void) {
    static int initialised = 0;  // called under HDF5Library's lock
    if (!initialised) {
        initialised = 1;
        H5dont_atexit();
    }
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
}

// ---------------------------------------------------------------- errors

struct snnc_message { char *buf; size_t size; int found; };

static herr_t snnc_take_innermost(unsigned n, const H5E_error2_t *err, void *data) {
    struct snnc_message *m = (struct snnc_message *)data;
    (void)n;
    if (!m->found && err->desc && err->desc[0]) {
        strncpy(m->buf, err->desc, m->size - 1);
        m->buf[m->size - 1] = 0;
        m->found = 1;
    }
    return 0;
}

void snnc_h5_error_message(char *buf, size_t size) {
    if (size == 0) return;
    buf[0] = 0;
    struct snnc_message m = {buf, size, 0};
    H5Ewalk2(H5E_DEFAULT, H5E_WALK_UPWARD, snnc_take_innermost, &m);
}

// ---------------------------------------------------------------- types

static hid_t snnc_memory_type(int code) {
    switch (code) {
    case SNNC_H5_FLOAT32: return H5T_NATIVE_FLOAT;
    case SNNC_H5_FLOAT64: return H5T_NATIVE_DOUBLE;
    case SNNC_H5_INT8: return H5T_NATIVE_INT8;
    case SNNC_H5_INT16: return H5T_NATIVE_INT16;
    case SNNC_H5_INT32: return H5T_NATIVE_INT32;
    case SNNC_H5_INT64: return H5T_NATIVE_INT64;
    case SNNC_H5_UINT8: return H5T_NATIVE_UINT8;
    case SNNC_H5_UINT16: return H5T_NATIVE_UINT16;
    case SNNC_H5_UINT32: return H5T_NATIVE_UINT32;
    case SNNC_H5_UINT64: return H5T_NATIVE_UINT64;
    default: return -1;
    }
}

// Little-endian standard types on disk, whatever the machine.
static hid_t snnc_file_type(int code) {
    switch (code) {
    case SNNC_H5_FLOAT32: return H5T_IEEE_F32LE;
    case SNNC_H5_FLOAT64: return H5T_IEEE_F64LE;
    case SNNC_H5_INT8: return H5T_STD_I8LE;
    case SNNC_H5_INT16: return H5T_STD_I16LE;
    case SNNC_H5_INT32: return H5T_STD_I32LE;
    case SNNC_H5_INT64: return H5T_STD_I64LE;
    case SNNC_H5_UINT8: return H5T_STD_U8LE;
    case SNNC_H5_UINT16: return H5T_STD_U16LE;
    case SNNC_H5_UINT32: return H5T_STD_U32LE;
    case SNNC_H5_UINT64: return H5T_STD_U64LE;
    default: return -1;
    }
}

static int snnc_type_code(hid_t type) {
    size_t size = H5Tget_size(type);
    switch (H5Tget_class(type)) {
    case H5T_FLOAT:
        return size == 4 ? SNNC_H5_FLOAT32 : size == 8 ? SNNC_H5_FLOAT64 : SNNC_H5_OTHER;
    case H5T_INTEGER: {
        int is_signed = H5Tget_sign(type) == H5T_SGN_2;
        switch (size) {
        case 1: return is_signed ? SNNC_H5_INT8 : SNNC_H5_UINT8;
        case 2: return is_signed ? SNNC_H5_INT16 : SNNC_H5_UINT16;
        case 4: return is_signed ? SNNC_H5_INT32 : SNNC_H5_UINT32;
        case 8: return is_signed ? SNNC_H5_INT64 : SNNC_H5_UINT64;
        default: return SNNC_H5_OTHER;
        }
    }
    case H5T_STRING: return SNNC_H5_STRING;
    default: return SNNC_H5_OTHER;
    }
}

static hid_t snnc_vlen_utf8(void) {
    hid_t t = H5Tcopy(H5T_C_S1);
    if (t < 0) return t;
    H5Tset_size(t, H5T_VARIABLE);
    H5Tset_cset(t, H5T_CSET_UTF8);
    return t;
}

static hid_t snnc_dataspace(int rank, const hsize_t *dims) {
    return rank == 0 ? H5Screate(H5S_SCALAR) : H5Screate_simple(rank, dims, NULL);
}

// ---------------------------------------------------------------- files and groups

int snnc_h5_is_hdf5(const char *path) { return (int)H5Fis_hdf5(path); }

// Marks an open file's descriptor close-on-exec. libhdf5 1.10 flock()s every file it opens (shared
// to read, exclusive to write) and never unlocks before close(); the lock lives as long as any copy
// of the descriptor, so a child process that kept one would hold it until it exits, and this
// process's next open of the file would fail ("unable to lock file, errno = 11"). libhdf5 opens
// without O_CLOEXEC. snnc starts its children through HDF5File.startChildProcess, which keeps
// them from forking while a file is being opened (a forked child shares every descriptor until it
// execs); this covers a child started any other way from the moment it execs. Only the POSIX
// (sec2) driver has an int descriptor.
static hid_t snnc_close_on_exec(hid_t file) {
    if (file < 0) return file;
    hid_t fapl = H5Fget_access_plist(file);
    int sec2 = fapl >= 0 && H5Pget_driver(fapl) == H5FD_SEC2;
    if (fapl >= 0) H5Pclose(fapl);
    void *handle = NULL;
    if (sec2 && H5Fget_vfd_handle(file, H5P_DEFAULT, &handle) >= 0 && handle != NULL) {
        int fd = *(int *)handle;
        int flags = fcntl(fd, F_GETFD);
        if (flags >= 0) fcntl(fd, F_SETFD, flags | FD_CLOEXEC);
    }
    return file;
}

// Closes a file-access property list without losing the error stack of the call before it
// (every libhdf5 call clears the stack on entry), so HDF5Library.lastMessage() still says why an
// open failed, e.g. "unable to lock file, errno = 11, error message = 'Resource temporarily
// unavailable'" (before, such failures read "libhdf5 reported an error").
static void snnc_close_fapl(hid_t fapl) {
    hid_t stack = H5Eget_current_stack();
    H5Pclose(fapl);
    if (stack >= 0) H5Eset_current_stack(stack);
}

hid_t snnc_h5_file_create(const char *path) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    hid_t file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
    snnc_close_fapl(fapl);
    return snnc_close_on_exec(file);
}

hid_t snnc_h5_file_open_readonly(const char *path) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    hid_t file = H5Fopen(path, H5F_ACC_RDONLY, fapl);
    snnc_close_fapl(fapl);
    return snnc_close_on_exec(file);
}

hid_t snnc_h5_file_open_readwrite(const char *path) {
    hid_t fapl = H5Pcreate(H5P_FILE_ACCESS);
    if (fapl < 0) return -1;
    H5Pset_libver_bounds(fapl, H5F_LIBVER_EARLIEST, H5F_LIBVER_V18);
    H5Pset_fclose_degree(fapl, H5F_CLOSE_STRONG);
    hid_t file = H5Fopen(path, H5F_ACC_RDWR, fapl);
    snnc_close_fapl(fapl);
    return snnc_close_on_exec(file);
}

int snnc_h5_link_delete(hid_t loc, const char *name) { return (int)H5Ldelete(loc, name, H5P_DEFAULT); }

int snnc_h5_file_flush(hid_t file) { return (int)H5Fflush(file, H5F_SCOPE_GLOBAL); }
int snnc_h5_file_close(hid_t file) { return (int)H5Fclose(file); }

hid_t snnc_h5_group_create(hid_t loc, const char *name) {
    hid_t gcpl = H5Pcreate(H5P_GROUP_CREATE);
    if (gcpl < 0) return -1;
    H5Pset_obj_track_times(gcpl, 0);
    hid_t group = H5Gcreate2(loc, name, H5P_DEFAULT, gcpl, H5P_DEFAULT);
    H5Pclose(gcpl);
    return group;
}

hid_t snnc_h5_group_open(hid_t loc, const char *name) { return H5Gopen2(loc, name, H5P_DEFAULT); }
int snnc_h5_group_close(hid_t group) { return (int)H5Gclose(group); }

int snnc_h5_object_kind(hid_t loc, const char *name) {
    // Check each path component so a missing intermediate group is "missing", not an error.
    size_t len = strlen(name);
    char *prefix = malloc(len + 1);
    if (!prefix) return -1;
    for (size_t i = 0; i <= len; i++) {
        if (name[i] == '/' || name[i] == 0) {
            if (i == 0) continue;
            memcpy(prefix, name, i);
            prefix[i] = 0;
            htri_t exists = H5Lexists(loc, prefix, H5P_DEFAULT);
            if (exists <= 0) { free(prefix); return exists < 0 ? -1 : SNNC_H5_MISSING; }
        }
    }
    free(prefix);
    hid_t object = H5Oopen(loc, name, H5P_DEFAULT);
    if (object < 0) return SNNC_H5_MISSING;  // e.g. a dangling soft link
    H5I_type_t type = H5Iget_type(object);
    H5Oclose(object);
    return type == H5I_GROUP ? SNNC_H5_GROUP : type == H5I_DATASET ? SNNC_H5_DATASET
                                                                     : SNNC_H5_OTHER_OBJECT;
}

int snnc_h5_children(hid_t loc, char ***names, size_t *count) {
    H5G_info_t info;
    *names = NULL;
    *count = 0;
    if (H5Gget_info(loc, &info) < 0) return -1;
    char **out = calloc(info.nlinks ? info.nlinks : 1, sizeof(char *));
    if (!out) return -1;
    for (hsize_t i = 0; i < info.nlinks; i++) {
        ssize_t n = H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, NULL, 0,
                                       H5P_DEFAULT);
        if (n < 0) { snnc_h5_free_strings(out, (size_t)i); return -1; }
        out[i] = malloc((size_t)n + 1);
        if (!out[i]) { snnc_h5_free_strings(out, (size_t)i); return -1; }
        H5Lget_name_by_idx(loc, ".", H5_INDEX_NAME, H5_ITER_INC, i, out[i], (size_t)n + 1,
                           H5P_DEFAULT);
    }
    *names = out;
    *count = (size_t)info.nlinks;
    return 0;
}

void snnc_h5_free_strings(char **strings, size_t count) {
    if (!strings) return;
    for (size_t i = 0; i < count; i++) free(strings[i]);
    free(strings);
}

// ---------------------------------------------------------------- datasets

hid_t snnc_h5_dataset_create(hid_t loc, const char *name, int type_code, int rank,
                             const hsize_t *dims, const hsize_t *chunk, int shuffle,
                             int deflate_level) {
    hid_t file_type = snnc_file_type(type_code);
    if (file_type < 0) return -1;
    hid_t space = snnc_dataspace(rank, dims);
    if (space < 0) return -1;
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    if (dcpl < 0) { H5Sclose(space); return -1; }
    H5Pset_obj_track_times(dcpl, 0);
    if (chunk && rank > 0) {
        if (H5Pset_chunk(dcpl, rank, chunk) < 0) goto fail;
        if (shuffle && H5Pset_shuffle(dcpl) < 0) goto fail;
        if (deflate_level >= 0 && H5Pset_deflate(dcpl, (unsigned)deflate_level) < 0) goto fail;
    }
    hid_t dataset = H5Dcreate2(loc, name, file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    H5Pclose(dcpl);
    H5Sclose(space);
    return dataset;
fail:
    H5Pclose(dcpl);
    H5Sclose(space);
    return -1;
}

hid_t snnc_h5_dataset_open(hid_t loc, const char *name) { return H5Dopen2(loc, name, H5P_DEFAULT); }
unsigned long long snnc_h5_dataset_storage_size(hid_t dataset) {
    return (unsigned long long)H5Dget_storage_size(dataset);
}
int snnc_h5_dataset_close(hid_t dataset) { return (int)H5Dclose(dataset); }

int snnc_h5_dataset_write(hid_t dataset, int type_code, const void *buf) {
    hid_t mem = snnc_memory_type(type_code);
    if (mem < 0) return -1;
    return (int)H5Dwrite(dataset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

int snnc_h5_dataset_read(hid_t dataset, int type_code, void *buf) {
    hid_t mem = snnc_memory_type(type_code);
    if (mem < 0) return -1;
    return (int)H5Dread(dataset, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

int snnc_h5_shape(hid_t object, int is_attribute, int *type_code, int *rank, hsize_t *dims,
                  int max_rank) {
    hid_t type = is_attribute ? H5Aget_type(object) : H5Dget_type(object);
    if (type < 0) return -1;
    *type_code = snnc_type_code(type);
    H5Tclose(type);
    hid_t space = is_attribute ? H5Aget_space(object) : H5Dget_space(object);
    if (space < 0) return -1;
    int r = H5Sget_simple_extent_ndims(space);
    if (r < 0 || r > max_rank) { H5Sclose(space); return -1; }
    *rank = r;
    if (r > 0) H5Sget_simple_extent_dims(space, dims, NULL);
    H5Sclose(space);
    return 0;
}

int snnc_h5_dataset_filters(hid_t dataset, int *filters, int max_filters) {
    hid_t dcpl = H5Dget_create_plist(dataset);
    if (dcpl < 0) return -1;
    int n = H5Pget_nfilters(dcpl);
    for (int i = 0; i < n && i < max_filters; i++) {
        unsigned flags = 0, config = 0;
        size_t nvalues = 0;
        filters[i] = (int)H5Pget_filter2(dcpl, (unsigned)i, &flags, &nvalues, NULL, 0, NULL,
                                         &config);
    }
    H5Pclose(dcpl);
    return n;
}

// ---------------------------------------------------------------- strings

int snnc_h5_write_string_dataset(hid_t loc, const char *name, int rank, const hsize_t *dims,
                                 const char *const *strings) {
    hid_t type = snnc_vlen_utf8();
    if (type < 0) return -1;
    hid_t space = snnc_dataspace(rank, dims);
    hid_t dcpl = H5Pcreate(H5P_DATASET_CREATE);
    H5Pset_obj_track_times(dcpl, 0);
    hid_t dataset = H5Dcreate2(loc, name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT);
    int status = -1;
    if (dataset >= 0) {
        status = (int)H5Dwrite(dataset, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, strings);
        H5Dclose(dataset);
    }
    H5Pclose(dcpl);
    H5Sclose(space);
    H5Tclose(type);
    return status;
}

// Reads the whole of a dataset or an attribute into `buf` as memory type `mem`.
static herr_t snnc_read_all(hid_t object, int is_attribute, hid_t mem, void *buf) {
    return is_attribute ? H5Aread(object, mem, buf)
                        : H5Dread(object, mem, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf);
}

// Reads strings from a dataset or attribute, variable or fixed length, into malloc'd copies.
static int snnc_read_strings(hid_t object, int is_attribute, char ***strings, size_t *count) {
    *strings = NULL;
    *count = 0;
    hid_t file_type = is_attribute ? H5Aget_type(object) : H5Dget_type(object);
    if (file_type < 0) return -1;
    if (H5Tget_class(file_type) != H5T_STRING) { H5Tclose(file_type); return -1; }
    hid_t space = is_attribute ? H5Aget_space(object) : H5Dget_space(object);
    hssize_t n = H5Sget_simple_extent_npoints(space);
    if (n < 0) { H5Sclose(space); H5Tclose(file_type); return -1; }
    char **out = calloc(n ? (size_t)n : 1, sizeof(char *));
    int status = -1;
    if (!out) goto done;
    if (H5Tis_variable_str(file_type) > 0) {
        hid_t mem = H5Tcopy(H5T_C_S1);
        H5Tset_size(mem, H5T_VARIABLE);
        H5Tset_cset(mem, H5Tget_cset(file_type));
        char **raw = calloc(n ? (size_t)n : 1, sizeof(char *));
        if (raw) {
            herr_t r = snnc_read_all(object, is_attribute, mem, raw);
            if (r >= 0) {
                status = 0;
                for (hssize_t i = 0; i < n; i++) {
                    out[i] = strdup(raw[i] ? raw[i] : "");
                    if (!out[i]) status = -1;
                }
                H5Dvlen_reclaim(mem, space, H5P_DEFAULT, raw);
            }
            free(raw);
        }
        H5Tclose(mem);
    } else {
        size_t size = H5Tget_size(file_type);
        hid_t mem = H5Tcopy(file_type);
        char *raw = malloc(size * (size_t)(n ? n : 1) + 1);
        if (raw) {
            herr_t r = snnc_read_all(object, is_attribute, mem, raw);
            if (r >= 0) {
                status = 0;
                for (hssize_t i = 0; i < n; i++) {
                    out[i] = strndup(raw + (size_t)i * size, size);
                    if (!out[i]) status = -1;
                }
            }
            free(raw);
        }
        H5Tclose(mem);
    }
done:
    H5Sclose(space);
    H5Tclose(file_type);
    if (status < 0) { snnc_h5_free_strings(out, (size_t)n); return -1; }
    *strings = out;
    *count = (size_t)n;
    return 0;
}

int snnc_h5_read_string_dataset(hid_t dataset, char ***strings, size_t *count) {
    return snnc_read_strings(dataset, 0, strings, count);
}

// ---------------------------------------------------------------- attributes

static int snnc_attribute_prepare(hid_t loc, const char *object_name, const char *name) {
    htri_t exists = H5Aexists_by_name(loc, object_name, name, H5P_DEFAULT);
    if (exists < 0) return -1;
    if (exists > 0 && H5Adelete_by_name(loc, object_name, name, H5P_DEFAULT) < 0) return -1;
    return 0;
}

// Creates attribute `name` (prepared: no attribute of that name left) of element type
// `file_type` and shape `dims`, and writes `buf` to it as `mem`. Returns 0, or -1 on failure.
static int snnc_attribute_create(hid_t loc, const char *object_name, const char *name,
                                 hid_t file_type, hid_t mem, int rank, const hsize_t *dims,
                                 const void *buf) {
    hid_t space = snnc_dataspace(rank, dims);
    hid_t attr = H5Acreate_by_name(loc, object_name, name, file_type, space, H5P_DEFAULT,
                                   H5P_DEFAULT, H5P_DEFAULT);
    int status = -1;
    if (attr >= 0) {
        status = (int)H5Awrite(attr, mem, buf);
        H5Aclose(attr);
    }
    H5Sclose(space);
    return status;
}

int snnc_h5_attribute_write(hid_t loc, const char *object_name, const char *name,
                            int type_code, int rank, const hsize_t *dims, const void *buf) {
    hid_t file_type = snnc_file_type(type_code), mem = snnc_memory_type(type_code);
    if (file_type < 0 || mem < 0) return -1;
    if (snnc_attribute_prepare(loc, object_name, name) < 0) return -1;
    return snnc_attribute_create(loc, object_name, name, file_type, mem, rank, dims, buf);
}

int snnc_h5_attribute_write_strings(hid_t loc, const char *object_name, const char *name,
                                    int rank, const hsize_t *dims, const char *const *strings) {
    if (snnc_attribute_prepare(loc, object_name, name) < 0) return -1;
    hid_t type = snnc_vlen_utf8();
    int status = snnc_attribute_create(loc, object_name, name, type, type, rank, dims, strings);
    H5Tclose(type);
    return status;
}

hid_t snnc_h5_attribute_open(hid_t loc, const char *object_name, const char *name) {
    return H5Aopen_by_name(loc, object_name, name, H5P_DEFAULT, H5P_DEFAULT);
}

int snnc_h5_attribute_close(hid_t attribute) { return (int)H5Aclose(attribute); }

int snnc_h5_attribute_read(hid_t attribute, int type_code, void *buf) {
    hid_t mem = snnc_memory_type(type_code);
    if (mem < 0) return -1;
    return (int)H5Aread(attribute, mem, buf);
}

int snnc_h5_attribute_read_strings(hid_t attribute, char ***strings, size_t *count) {
    return snnc_read_strings(attribute, 1, strings, count);
}

int snnc_h5_attribute_exists(hid_t loc, const char *object_name, const char *name) {
    return (int)H5Aexists_by_name(loc, object_name, name, H5P_DEFAULT);
}

struct snnc_name_list { char **names; size_t count, capacity; int failed; };

static herr_t snnc_collect_attribute(hid_t loc, const char *name, const H5A_info_t *info,
                                     void *data) {
    struct snnc_name_list *list = (struct snnc_name_list *)data;
    (void)loc; (void)info;
    if (list->count == list->capacity) {
        size_t capacity = list->capacity ? list->capacity * 2 : 8;
        char **grown = realloc(list->names, capacity * sizeof(char *));
        if (!grown) { list->failed = 1; return -1; }
        list->names = grown;
        list->capacity = capacity;
    }
    list->names[list->count] = strdup(name);
    if (!list->names[list->count]) { list->failed = 1; return -1; }
    list->count++;
    return 0;
}

int snnc_h5_attribute_names(hid_t loc, const char *object_name, char ***names, size_t *count) {
    struct snnc_name_list list = {NULL, 0, 0, 0};
    herr_t r = H5Aiterate_by_name(loc, object_name, H5_INDEX_NAME, H5_ITER_INC, NULL,
                                  snnc_collect_attribute, &list, H5P_DEFAULT);
    if (r < 0 || list.failed) {
        snnc_h5_free_strings(list.names, list.count);
        *names = NULL;
        *count = 0;
        return -1;
    }
    *names = list.names;
    *count = list.count;
    return 0;
}
