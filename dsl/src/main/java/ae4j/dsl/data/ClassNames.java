package ae4j.dsl.data;

import java.nio.file.Path;

/** Names of the classes of well-known data sets, so that pictures say "Trouser" rather than "label 1". */
public final class ClassNames {

    private ClassNames() {}

    /** Fashion-MNIST's ten classes, in label order (Xiao, Rasul and Vollgraf 2017). */
    public static final String[] FASHION_MNIST = {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"
    };

    /**
     * The data set with its class names when its file is a known data set's (Fashion-MNIST's IDX files, in a folder
     * named {@code fashion-mnist} as Debian's dataset-fashion-mnist installs them); unchanged otherwise.
     */
    public static Dataset named(Dataset data, Path file) {
        Path folder = file.toAbsolutePath().getParent();
        if (data.hasLabels()
                && folder != null
                && folder.getFileName() != null
                && folder.getFileName().toString().equalsIgnoreCase("fashion-mnist"))
            return data.withClassNames(FASHION_MNIST);
        return data;
    }
}
