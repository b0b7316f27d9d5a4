/**
 * ECharts (the project's chart library, ARCHITECTURE.md), registered once with only the parts the
 * dashboards draw, so the page carries a fraction of the full bundle. Add a chart type or
 * component here before using it in an option.
 */
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue';

echarts.use([LineChart, PieChart, BarChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export type EChartsOption = echarts.EChartsCoreOption;

/**
 * Draw `option` into `element` and keep it drawn: re-set when the option changes, resized with
 * the element, disposed with the component.
 */
export function useEChart(element: Ref<HTMLElement | null>, option: Ref<EChartsOption | null>) {
  const chart = shallowRef<echarts.ECharts | null>(null);
  let observer: ResizeObserver | null = null;

  function draw(): void {
    if (!element.value || !option.value) return;
    chart.value ??= echarts.init(element.value, undefined, { renderer: 'canvas' });
    chart.value.setOption(option.value, { notMerge: true });
  }

  onMounted(() => {
    draw();
    if (element.value && typeof ResizeObserver !== 'undefined') {
      observer = new ResizeObserver(() => chart.value?.resize());
      observer.observe(element.value);
    }
  });
  watch(option, draw);
  onBeforeUnmount(() => {
    observer?.disconnect();
    chart.value?.dispose();
    chart.value = null;
  });
  return { chart };
}
