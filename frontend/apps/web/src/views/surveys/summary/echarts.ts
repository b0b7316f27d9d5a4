/**
 * The chart parts the satisfaction report draws, registered on top of the dashboards' set
 * (components/dashboards/echarts.ts; `useEChart` draws any registered option).
 */
import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export { useEChart, type EChartsOption } from '@/components/dashboards/echarts';
