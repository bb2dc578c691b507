package ae4j.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;

/**
 * Display from Java cells: {@code display(model)}, {@code display(image)}, {@code display(chart)},
 * {@code html("<b>hi</b>")}. Imported statically in every notebook.
 */
public final class Notebook {

    private static volatile Ae4jKernel kernel;

    private Notebook() {}

    static void attach(Ae4jKernel k) {
        kernel = k;
    }

    /** Shows an object in the cell's output: models as tables, images and XChart charts as PNG, others as text. */
    public static void display(Object o) {
        Ae4jKernel k = kernel;
        if (k == null) {
            System.out.println(o);
            return;
        }
        k.display(Displays.of(o, null));
    }

    /** Shows HTML in the cell's output. */
    public static void html(String html) {
        DisplayData d = new DisplayData(html);
        d.putHTML(html);
        Ae4jKernel k = kernel;
        if (k == null) System.out.println(html);
        else k.display(d);
    }
}
