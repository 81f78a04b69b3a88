// A thin C layer over libhdf5 for SNNStore.
//
// libhdf5's property-list and type macros (H5P_DEFAULT, H5T_NATIVE_FLOAT, H5S_ALL, ...) expand
// to expressions Swift cannot import, so every call that needs them goes through a function
// here. Functions return a negative value on failure; `snnc_h5_error_message` then gives the
// innermost message of libhdf5's error stack, which is never printed (see snnc_h5_init).
#pragma once
#include <hdf5.h>
#include <stddef.h>
#include <stdint.h>

/// Element type codes shared with Swift (`HDF5ElementType`).
enum {
    SNNC_H5_FLOAT32 = 1, SNNC_H5_FLOAT64 = 2,
    SNNC_H5_INT8 = 3, SNNC_H5_INT16 = 4, SNNC_H5_INT32 = 5, SNNC_H5_INT64 = 6,
    SNNC_H5_UINT8 = 7, SNNC_H5_UINT16 = 8, SNNC_H5_UINT32 = 9, SNNC_H5_UINT64 = 10,
    SNNC_H5_STRING = 100, SNNC_H5_OTHER = 101
};

/// Object kinds returned by snnc_h5_object_kind.
enum { SNNC_H5_MISSING = 0, SNNC_H5_GROUP = 1, SNNC_H5_DATASET = 2, SNNC_H5_OTHER_OBJECT = 3 };

/// Silences libhdf5's automatic error-stack printing. Idempotent.
void snnc_h5_init(void);

/// Copies the innermost message of the current error stack into buf (always NUL-terminated).
void snnc_h5_error_message(char *buf, size_t size);

/// 1 if the file at path is HDF5, 0 if not, negative if it cannot be read.
int snnc_h5_is_hdf5(const char *path);

/// Creates (truncating) a file for writing with superblock bounds [earliest, v18] and strong close.
hid_t snnc_h5_file_create(const char *path);
/// Opens an existing file read-only.
hid_t snnc_h5_file_open_readonly(const char *path);
hid_t snnc_h5_file_open_readwrite(const char *path);
int snnc_h5_link_delete(hid_t loc, const char *name);
/// Flushes all buffers of the file to disk.
int snnc_h5_file_flush(hid_t file);
int snnc_h5_file_close(hid_t file);

hid_t snnc_h5_group_create(hid_t loc, const char *name);
hid_t snnc_h5_group_open(hid_t loc, const char *name);
int snnc_h5_group_close(hid_t group);

/// Kind of the object `name` relative to loc (a path of one or more components).
int snnc_h5_object_kind(hid_t loc, const char *name);

/// Names of the direct children of loc in name order. Caller frees with snnc_h5_free_strings.
int snnc_h5_children(hid_t loc, char ***names, size_t *count);
void snnc_h5_free_strings(char **strings, size_t count);

/// Creates a numeric dataset. rank 0 means a scalar. chunk == NULL means contiguous; otherwise
/// shuffle (if shuffle != 0) and deflate (if deflate_level >= 0) are added in that order.
hid_t snnc_h5_dataset_create(hid_t loc, const char *name, int type_code, int rank,
                             const hsize_t *dims, const hsize_t *chunk, int shuffle,
                             int deflate_level);
hid_t snnc_h5_dataset_open(hid_t loc, const char *name);
int snnc_h5_dataset_close(hid_t dataset);
/// Writes/reads the whole dataset from/to buf, converting from/to the native type type_code.
int snnc_h5_dataset_write(hid_t dataset, int type_code, const void *buf);
int snnc_h5_dataset_read(hid_t dataset, int type_code, void *buf);
/// Bytes the dataset occupies in the file (its chunks as stored, compressed); 0 when none are.
unsigned long long snnc_h5_dataset_storage_size(hid_t dataset);

/// Element type code, rank (<= max_rank) and dims of a dataset or attribute (is_attribute != 0).
int snnc_h5_shape(hid_t object, int is_attribute, int *type_code, int *rank, hsize_t *dims,
                  int max_rank);

/// Filter identifiers of a dataset's pipeline (H5Z_FILTER_DEFLATE = 1, SHUFFLE = 2), in order.
int snnc_h5_dataset_filters(hid_t dataset, int *filters, int max_filters);

/// Writes variable-length UTF-8 strings as a dataset (rank 0 = scalar).
int snnc_h5_write_string_dataset(hid_t loc, const char *name, int rank, const hsize_t *dims,
                                 const char *const *strings);
/// Reads a string dataset (variable or fixed length). Caller frees with snnc_h5_free_strings.
int snnc_h5_read_string_dataset(hid_t dataset, char ***strings, size_t *count);

/// Attributes on the object `object_name` relative to loc ("." for loc itself).
/// Writing replaces an existing attribute of the same name.
int snnc_h5_attribute_write(hid_t loc, const char *object_name, const char *name,
                            int type_code, int rank, const hsize_t *dims, const void *buf);
int snnc_h5_attribute_write_strings(hid_t loc, const char *object_name, const char *name,
                                    int rank, const hsize_t *dims, const char *const *strings);
/// Opens an attribute for snnc_h5_shape / reads; returns negative if missing.
hid_t snnc_h5_attribute_open(hid_t loc, const char *object_name, const char *name);
int snnc_h5_attribute_close(hid_t attribute);
int snnc_h5_attribute_read(hid_t attribute, int type_code, void *buf);
int snnc_h5_attribute_read_strings(hid_t attribute, char ***strings, size_t *count);
/// 1 if present, 0 if not, negative on error.
int snnc_h5_attribute_exists(hid_t loc, const char *object_name, const char *name);
/// Names of all attributes of object_name. Caller frees with snnc_h5_free_strings.
int snnc_h5_attribute_names(hid_t loc, const char *object_name, char ***names, size_t *count);
