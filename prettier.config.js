// The project's layout: 120 columns, single quotes (what the code was written with).
export default { printWidth: 120, singleQuote: true };
