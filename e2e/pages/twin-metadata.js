// The page adds metadata through the JS API before the widget loaded; it joins data-metadata.
window.Parley = window.Parley || [];
Parley.push(['setMetadata', { page: 'pricing' }]);
