/// Typed Swift API over HDF5.
