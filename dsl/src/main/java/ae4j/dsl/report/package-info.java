/**
 * What a run leaves behind for people: metrics (CSV and JSON), loss curves and image grids.
 * In: numbers and pixels. Out: files in the output folder.
 */
package ae4j.dsl.report;
