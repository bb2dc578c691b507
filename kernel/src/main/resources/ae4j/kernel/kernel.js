// ae4j kernel: highlighting of %%ae cells in Jupyter Notebook. Written by `ae4j kernel install`, which fills
// in the language's words from the checker's registry of this build.
define(["codemirror/lib/codemirror", "notebook/js/codecell", "base/js/namespace"], function (CodeMirror, codecell, Jupyter) {
  "use strict";
  var words = /*AE4J_WORDS*/ {};

  CodeMirror.defineMode("ae4j", function () {
    return {
      token: function (stream) {
        if (stream.sol() && stream.match(/^\s*%%\w+.*/)) return "meta";
        if (stream.eatSpace()) return null;
        if (stream.match(/^#.*/)) return "comment";
        if (stream.match(/^"(?:[^"\\]|\\.)*"?/)) return "string";
        if (stream.match(/^[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/)) return "number";
        if (stream.match(/^[A-Za-z_]\w*(?=\s*:)/)) return "attribute"; // a named argument or option
        if (stream.match(/^[A-Za-z_]\w*~?/)) {
          var w = stream.current();
          if (words.keywords.indexOf(w) >= 0) return "keyword";
          if (words.builtins.indexOf(w) >= 0) return "builtin";
          return "variable";
        }
        stream.next();
        return null;
      },
      lineComment: "#"
    };
  });
  CodeMirror.defineMIME("text/x-ae4j", "ae4j");

  return {
    onload: function () {
      // Cells whose first line is %%ae get the mode (the notebook's own rule for magics such as %%javascript).
      codecell.CodeCell.options_default.highlight_modes["magic_ae4j"] = {reg: [/^\s*%%ae\b/]};
      if (Jupyter.notebook) {
        Jupyter.notebook.get_cells().forEach(function (cell) {
          if (cell.cell_type === "code") cell.auto_highlight();
        });
      }
    }
  };
});
