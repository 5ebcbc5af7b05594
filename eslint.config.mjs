// `npm run lint`: prettier formats (printWidth 120), eslint checks what a formatter cannot.
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "dist/",
      "cdktf.out/",
      "**/cdktf.out/",
      "coverage/",
      "scratch/",
      "test/**/__snapshots__/",
      "docs/",
      "dist-bench/",
      "imports/",
      ".gen/",
    ],
  },
  {
    files: ["**/*.ts", "**/*.mjs", "**/*.js"],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: "module" },
    plugins: { "@typescript-eslint": tseslint.plugin },
    rules: {
      // Lines of code stay within 120 columns; long strings, templates and regular expressions
      // (error messages that read as one sentence, schema patterns) are not split for it.
      "max-len": [
        "error",
        {
          code: 120,
          ignoreUrls: true,
          ignoreStrings: true,
          ignoreTemplateLiterals: true,
          ignoreRegExpLiterals: true,
          // Markdown table rows in doc comments (one row, one line).
          ignorePattern: "^\\s*\\* \\|",
          ignoreComments: false,
        },
      ],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-var": "error",
      "prefer-const": "error",
      eqeqeq: ["error", "always", { null: "ignore" }],
    },
  },
  {
    files: ["lib/**/*.ts"],
    rules: {
      // A function that does one thing fits on a screen or two.
      "max-lines-per-function": ["error", { max: 100, skipBlankLines: true, skipComments: true, IIFEs: true }],
      // Bad input is a HardeningError (or an error type with problem and fix fields), never a bare Error.
      "no-restricted-syntax": [
        "error",
        {
          selector: "ThrowStatement > NewExpression[callee.name='Error']",
          message:
            "throw a HardeningError (construct input) or a typed error with problem and fix fields, not a bare Error",
        },
      ],
    },
  },
);
