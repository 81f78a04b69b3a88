#include "hdf5_shim.h"
