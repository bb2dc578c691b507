/**
 * Data sets: IDX, NPY and CSV readers, synthetic sets with known structure, and the transforms a data
 * declaration applies. In: a checked data declaration. Out: a {@link ae4j.dsl.data.Dataset} of float rows.
 */
package ae4j.dsl.data;
