export default { build: { cssMinify: false, target: 'esnext' } };
