// Draws every chart on the page from its JSON data block:
//
//   <div class="chart" id="ID" hidden></div>
//   <script type="application/json" class="chart-options" data-chart="ID">{...}</script>
//
// The options are plain JSON, parsed with JSON.parse, never evaluated; this
// file is the page's only script besides ECharts, so a Content-Security-
// Policy of script-src 'self' holds. With JavaScript off the containers stay
// hidden and the table under each chart carries the same figures.
(function () {
  'use strict';
  if (typeof echarts === 'undefined' || !document.querySelectorAll || !window.JSON) {
    return;
  }
  var dark = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  var drawn = [];

  function draw() {
    var i;
    for (i = 0; i < drawn.length; i++) {
      drawn[i].dispose();
    }
    drawn = [];
    var blocks = document.querySelectorAll('script.chart-options[type="application/json"]');
    for (i = 0; i < blocks.length; i++) {
      var el = document.getElementById(blocks[i].getAttribute('data-chart'));
      if (!el) {
        continue;
      }
      var options;
      try {
        options = JSON.parse(blocks[i].textContent);
      } catch (e) {
        continue;
      }
      options.backgroundColor = 'transparent';
      if (dark && dark.matches && options.color) {
        // The palette's dark blue is hard to see on a dark ground: swap
        // it with its sky blue.
        options.color = options.color.map(function (c) {
          return c === '#0072B2' ? '#56B4E9' : c === '#56B4E9' ? '#0072B2' : c;
        });
      }
      el.hidden = false;
      var chart = echarts.init(el, dark && dark.matches ? 'dark' : null, { renderer: 'svg' });
      chart.setOption(options);
      drawn.push(chart);
    }
  }

  function resize() {
    for (var i = 0; i < drawn.length; i++) {
      drawn[i].resize();
    }
  }

  function listen(query, fn) {
    if (!query) {
      return;
    }
    if (query.addEventListener) {
      query.addEventListener('change', fn);
    } else if (query.addListener) {
      query.addListener(fn);
    }
  }

  draw();
  listen(dark, draw);
  listen(window.matchMedia ? window.matchMedia('print') : null, resize);
  window.addEventListener('resize', resize);
  window.addEventListener('beforeprint', resize);
  window.addEventListener('afterprint', resize);
})();
