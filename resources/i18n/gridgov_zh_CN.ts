<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
  <context>
    <name>gridgov</name>
    <message>
      <location filename="../../plugin.py" line="29" />
      <location filename="../../layers/processing/provider.py" line="164" />
      <location filename="../../ui/algorithm_page.py" line="206" />
      <source>Grid Governance</source>
      <translation>网格治理</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="84" />
      <source>Grid Governance panel</source>
      <translation>网格治理面板</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="90" />
      <source>Build demo city…</source>
      <translation>生成示范城区…</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="96" />
      <location filename="../../ui/whose_tool.py" line="36" />
      <source>Whose is this?</source>
      <translation>这是谁的？</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="103" />
      <source>Install Python packages…</source>
      <translation>安装 Python 包…</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="136" />
      <source>Grid Governance cannot use {0}: {1}. Update QGIS, or its Python packages.</source>
      <translation>网格治理无法使用 {0}：{1}。请更新 QGIS 或其 Python 包。</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="142" />
      <source>Grid Governance needs the Python packages {0}; its algorithms are disabled until they are installed.</source>
      <translation>网格治理需要 Python 包 {0}；安装之前其算法不可用。</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="171" />
      <source>Installing failed: {0} (the Grid Governance tab of the log has pip's output)</source>
      <translation>安装失败：{0}（pip 的输出见日志的“网格治理”标签页）</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="186" />
      <source>Installed {0}, but {1} still cannot be imported; restart QGIS.</source>
      <translation>已安装 {0}，但 {1} 仍无法导入；请重启 QGIS。</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="195" />
      <source>Installed {0}. The Grid Governance algorithms are ready.</source>
      <translation>已安装 {0}。网格治理算法已可用。</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="195" />
      <source>Installed {0}.</source>
      <translation>已安装 {0}。</translation>
    </message>
    <message>
      <location filename="../../plugin.py" line="201" />
      <source>Optional package {0} is not installed: {1}. Grid Governance &gt; Install Python packages… adds it.</source>
      <translation>可选包 {0} 未安装：{1}。可通过“网格治理 &gt; 安装 Python 包…”添加。</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="45" />
      <source>arrays throughout the engine</source>
      <translation>引擎中的数组运算</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="46" />
      <source>order tables</source>
      <translation>工单表格</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="47" />
      <source>geometry (GEOS)</source>
      <translation>几何运算（GEOS）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="48" />
      <source>layers as tables with geometry</source>
      <translation>带几何的图层表格</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="49" />
      <source>coordinate systems (PROJ)</source>
      <translation>坐标系（PROJ）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="50" />
      <source>neighbours, statistics, kernel density</source>
      <translation>邻域、统计与核密度</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="51" />
      <source>reading and writing files (GDAL)</source>
      <translation>文件读写（GDAL）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="60" />
      <source>compiled point look-up: placing 200,000 orders or more several times faster (same result without)</source>
      <translation>编译的点位查找：20 万条及以上工单的落格快数倍（没有它结果相同）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="67" />
      <source>the learned and hybrid methods of Classify orders (the keyword rules need nothing)</source>
      <translation>工单分类的学习法与混合法（关键词规则无需它）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="74" />
      <source>OR-Tools routes in Patrol plan (SOLVER auto uses the plain fallback without it)</source>
      <translation>巡查计划中的 OR-Tools 路线（没有它时 SOLVER 自动改用简易备选算法）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="81" />
      <source>Excel files: reading .xlsx orders, writing .xlsx tables (CSV works without it)</source>
      <translation>Excel 文件：读取 .xlsx 工单、写出 .xlsx 表格（CSV 无需它）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="88" />
      <source>Forecast and Early warning: exponential smoothing of each class case (the rest works without it)</source>
      <translation>预测与预警：对每类案件做指数平滑（其余功能无需此包）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="95" />
      <source>Internet clues and Class sweep: finding the map's place names in the posts' texts</source>
      <translation>网络线索与一案带一类：在帖子文本中查找地图上的地名</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="102" />
      <source>Internet clues: place names with a typo (near-misses)</source>
      <translation>网络线索：识别带错别字的地名（近似匹配）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="109" />
      <source>Internet clues: a typo that sounds like two place names is told by its sound</source>
      <translation>网络线索：与两个地名都只差一字的错别字，按读音判断是哪一个</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/deps.py" line="116" />
      <source>running Geolocate, Find repeats and Grid statistics inside PostGIS (without it they run in QGIS)</source>
      <translation>在 PostGIS 中运行工单落格、重复工单查找与网格统计（没有它时在 QGIS 中运行）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/install.py" line="64" />
      <source>cannot find the Python of this QGIS (looked beside {0})</source>
      <translation>找不到此 QGIS 的 Python（已在 {0} 旁查找）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/install.py" line="65" />
      <source>the install was cancelled</source>
      <translation>安装已取消</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/install.py" line="66" />
      <source>{0} has no pip; install pip for QGIS's Python first</source>
      <translation>{0} 没有 pip；请先为 QGIS 的 Python 安装 pip</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/install.py" line="67" />
      <source>pip failed (exit {0}):
{1}</source>
      <translation>pip 运行失败（退出码 {0}）：
{1}</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/install.py" line="68" />
      <source>{0} is not Python {1}, the one QGIS runs ({2})</source>
      <translation>{0} 不是 QGIS 运行的 Python {1}（{2}）</translation>
    </message>
    <message>
      <location filename="../../grid_ops/runtime/install.py" line="69" />
      <source>nothing to install: QGIS's Python already has every package the request needs; a package that is present but too old or broken is not replaced (update QGIS)</source>
      <translation>无需安装：QGIS 的 Python 已具备所需的全部软件包；已存在但过旧或损坏的软件包不会被替换（请更新 QGIS）</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/backend.py" line="46" />
      <source>Running in the engine: running in PostGIS is switched off ({0})</source>
      <translation>在插件引擎中运行：已关闭在 PostGIS 中运行（{0}）</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/backend.py" line="52" />
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="47" />
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="182" />
      <source>Running in the engine, not in PostGIS: {0}</source>
      <translation>在插件引擎中运行，而不是在 PostGIS 中：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/connection.py" line="34" />
      <location filename="../../layers/io/postgis_copy.py" line="76" />
      <source>Cannot connect to the database of {0}: {1}</source>
      <translation>无法连接 {0} 所在的数据库：{1}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/connection.py" line="64" />
      <location filename="../../layers/processing/data/democity_alg.py" line="74" />
      <source>Cancelled</source>
      <translation>已取消</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/connection.py" line="65" />
      <source>PostGIS: {0}</source>
      <translation>PostGIS 步骤：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/connection.py" line="72" />
      <location filename="../../layers/backends/postgis/connection.py" line="81" />
      <source>Cancelled: nothing was written to the database</source>
      <translation>已取消：没有向数据库写入任何内容</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/connection.py" line="74" />
      <source>The connection to the database was lost during the run; nothing was written ({0})</source>
      <translation>运行中与数据库的连接断开；没有写入任何内容（{0}）</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/connection.py" line="83" />
      <source>The database refused the job; nothing was written: {0}</source>
      <translation>数据库拒绝了该任务；没有写入任何内容：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="32" />
      <source>INPUT is in geographic coordinates</source>
      <translation>INPUT 使用地理坐标</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="35" />
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="68" />
      <source>{0}: no field {1!r}</source>
      <translation>{0}：没有字段 {1!r}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="50" />
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="185" />
      <location filename="../../layers/backends/postgis/gridstats_db.py" line="97" />
      <source>Running in PostGIS ({0}): every input is a table of that database</source>
      <translation>在 PostGIS 中运行（{0}）：所有输入都是该数据库的表</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="62" />
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="51" />
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="86" />
      <source>Orders with cases</source>
      <translation>带案件编号的工单</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="68" />
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="52" />
      <source>Repeat rate per grid</source>
      <translation>各网格重复率</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="88" />
      <source>orders in time order</source>
      <translation>按时间排序工单</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="89" />
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="90" />
      <source>the repeat rule</source>
      <translation>重复工单规则</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="96" />
      <location filename="../../layers/backends/postgis/pushdown.py" line="120" />
      <source>drop the earlier {0}</source>
      <translation>删除之前的 {0}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="100" />
      <location filename="../../layers/backends/postgis/pushdown.py" line="121" />
      <source>create {0}</source>
      <translation>创建 {0}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/findrepeats_db.py" line="121" />
      <source>PostGIS grouped the orders into {0} cases in {1:.1f} s; {2} orders could not be checked</source>
      <translation>PostGIS 将工单归为 {0} 个案件，用时 {1:.1f} 秒；{2} 条工单无法检查</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="57" />
      <location filename="../../layers/backends/postgis/gridstats_db.py" line="50" />
      <source>{0} is set</source>
      <translation>设置了 {0}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="64" />
      <source>the grids are in geographic coordinates</source>
      <translation>网格使用地理坐标</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="67" />
      <source>INPUT has no point geometry with a known SRID</source>
      <translation>INPUT 没有已知 SRID 的点几何</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="70" />
      <source>{0} is not in the grids' coordinate system</source>
      <translation>{0} 与网格的坐标系不同</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="82" />
      <source>{0}: no code field {1!r}</source>
      <translation>{0}：没有编码字段 {1!r}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="110" />
      <source>the orders have an address field ({0}), matched by the engine</source>
      <translation>工单有地址字段（{0}），由插件引擎匹配</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="165" />
      <source>order points</source>
      <translation>工单点</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="165" />
      <source>index of the order points</source>
      <translation>工单点索引</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="167" />
      <source>drop the order points</source>
      <translation>删除工单点</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="191" />
      <source>internal error: {0} rows in, {1} out</source>
      <translation>内部错误：输入 {0} 行，输出 {1} 行</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="192" />
      <source>PostGIS placed {0} rows in {1:.1f} s</source>
      <translation>PostGIS 落格 {0} 行，用时 {1:.1f} 秒</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/geolocate_db.py" line="197" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="170" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="328" />
      <source>Placed orders</source>
      <translation>已落格工单</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/gridstats_db.py" line="42" />
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="266" />
      <source>{0}: the layer has no field {1!r}</source>
      <translation>{0}：图层没有字段 {1!r}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/gridstats_db.py" line="55" />
      <location filename="../../layers/backends/postgis/source.py" line="72" />
      <location filename="../../layers/backends/postgis/source.py" line="75" />
      <source>{0} has no single key column</source>
      <translation>{0} 没有单一的主键列</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/gridstats_db.py" line="58" />
      <location filename="../../layers/parameters/grid_inputs.py" line="94" />
      <source>CODE_FIELD: the grids have no field {0!r}</source>
      <translation>CODE_FIELD：网格没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/gridstats_db.py" line="107" />
      <source>PostGIS counted the orders of every grid in {0:.1f} s</source>
      <translation>PostGIS 统计了每个网格的工单，用时 {0:.1f} 秒</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/gridstats_db.py" line="109" />
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="27" />
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="47" />
      <source>Grid statistics</source>
      <translation>网格统计</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/gridstats_db.py" line="129" />
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="82" />
      <source>Current period {0}, previous {1}</source>
      <translation>当前周期 {0}，上一周期 {1}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/pushdown.py" line="48" />
      <source>{0} is a table of another database</source>
      <translation>{0} 是另一个数据库的表</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/pushdown.py" line="52" />
      <source>{0} names the input table {1}.{2}: the result would replace its own input</source>
      <translation>{0} 指向输入表 {1}.{2}：结果会覆盖自己的输入</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/pushdown.py" line="70" />
      <source>No name for the result of {0}</source>
      <translation>无法为 {0} 的结果命名</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/pushdown.py" line="100" />
      <source>GiST index on {0}.{1}</source>
      <translation>为 {0}.{1} 建立 GiST 索引</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/pushdown.py" line="119" />
      <source>plan</source>
      <translation>查询计划</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/pushdown.py" line="123" />
      <source>key and index of {0}</source>
      <translation>{0} 的主键和索引</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/pushdown.py" line="164" />
      <source>Cannot open the result table {0}</source>
      <translation>无法打开结果表 {0}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/pushdown.py" line="189" />
      <source>Result table {0}.{1}</source>
      <translation>结果表 {0}.{1}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/source.py" line="54" />
      <source>{0} is not given</source>
      <translation>未给出 {0}</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/source.py" line="59" />
      <source>{0} uses selected features or a filter</source>
      <translation>{0} 使用了所选要素或筛选条件</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/source.py" line="62" />
      <source>{0} is not a vector layer</source>
      <translation>{0} 不是矢量图层</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/source.py" line="64" />
      <source>{0} is not a PostGIS layer ({1})</source>
      <translation>{0} 不是 PostGIS 图层（{1}）</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/source.py" line="67" />
      <source>{0} has a subset filter</source>
      <translation>{0} 设置了子集筛选</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/source.py" line="69" />
      <source>{0} is a query, not a table</source>
      <translation>{0} 是查询，不是表</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/source.py" line="95" />
      <source>{0} and {1} are in different databases</source>
      <translation>{0} 和 {1} 位于不同的数据库</translation>
    </message>
    <message>
      <location filename="../../layers/backends/postgis/source.py" line="108" />
      <source>TIME_FIELD {0} is text; the engine reads its mixed formats</source>
      <translation>TIME_FIELD {0} 是文本；其混合格式由插件引擎解析</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="38" />
      <location filename="../../layers/processing/printing/printmap_alg.py" line="272" />
      <source>专属网格 Dedicated grids</source>
      <translation>专属网格 Dedicated grids</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="39" />
      <source>街道 Streets</source>
      <translation>街道 Streets</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="40" />
      <source>社区 Communities</source>
      <translation>社区 Communities</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="41" />
      <source>网格 Grids</source>
      <translation>网格 Grids</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="42" />
      <source>微网格 Micro-grids</source>
      <translation>微网格 Micro-grids</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="46" />
      <source>Street</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="47" />
      <source>Community</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="48" />
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="57" />
      <source>Grid</source>
      <translation>网格</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="49" />
      <source>Micro-grid</source>
      <translation>微网格</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="50" />
      <source>Dedicated grid</source>
      <translation>专属网格</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="113" />
      <source>Grid code</source>
      <translation>网格编码</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="120" />
      <source>Grid code and manager</source>
      <translation>网格编码与网格员</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/group.py" line="166" />
      <source>Grid managers</source>
      <translation>网格员名册</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="29" />
      <source>Order</source>
      <translation>工单号</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="30" />
      <source>Reported</source>
      <translation>上报时间</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="31" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="32" />
      <source>Channel</source>
      <translation>渠道</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="33" />
      <location filename="../../ui/locator.py" line="71" />
      <source>Address</source>
      <translation>地址</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="34" />
      <source>Description</source>
      <translation>诉求</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="90" />
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="47" />
      <source>Class case</source>
      <translation>类案</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="94" />
      <source>Repeat</source>
      <translation>重复</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="94" />
      <source>First report</source>
      <translation>首报</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="95" />
      <source>Repeats</source>
      <translation>重复工单</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="95" />
      <source>case</source>
      <translation>案件</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="95" />
      <source>orders</source>
      <translation>件</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="98" />
      <location filename="../../layers/hierarchy/whose.py" line="218" />
      <source>Responsible</source>
      <translation>责任</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/order_info.py" line="102" />
      <source>Placed</source>
      <translation>落格</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/whose.py" line="205" />
      <source>No grid covers this point.</source>
      <translation>此处没有网格覆盖。</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/whose.py" line="223" />
      <source>Outside every grid: the nearest grid {0}, {1:.0f} m away, answers for it.</source>
      <translation>不在任何网格内：由 {1:.0f} 米外最近的网格 {0} 负责。</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/whose.py" line="230" />
      <source>Overlapping grids {0}: check the grid layer with Validate grids.</source>
      <translation>网格 {0} 相互重叠：请用“网格质检”检查网格图层。</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/whose.py" line="233" />
      <source>On an edge shared by grids: the grid to the east and north answers for it.</source>
      <translation>位于网格共享边上：由东侧、北侧的网格负责。</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/whose.py" line="239" />
      <source>Code</source>
      <translation>编码</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/whose.py" line="241" />
      <source>Name</source>
      <translation>名称</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/whose.py" line="243" />
      <source>Manager</source>
      <translation>网格员</translation>
    </message>
    <message>
      <location filename="../../layers/hierarchy/whose.py" line="245" />
      <source>Phone</source>
      <translation>电话</translation>
    </message>
    <message>
      <location filename="../../layers/io/columns.py" line="53" />
      <source>Input columns renamed so the result's own columns do not replace them: {0}</source>
      <translation>输入字段已改名，以免被结果字段覆盖：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/io/orders_input.py" line="85" />
      <source>Sheet of a workbook (name or number; empty: every sheet with the orders' header)</source>
      <translation>工作簿的工作表（名称或序号；留空：读取表头与工单一致的所有工作表）</translation>
    </message>
    <message>
      <location filename="../../layers/io/orders_input.py" line="134" />
      <source>Read {0} rows from {1} ({2})</source>
      <translation>从 {1}（{2}）读取 {0} 行</translation>
    </message>
    <message>
      <location filename="../../layers/io/orders_input.py" line="152" />
      <source>Give the orders as a layer (INPUT) or a file (INPUT_FILE)</source>
      <translation>请以图层（INPUT）或文件（INPUT_FILE）提供工单</translation>
    </message>
    <message>
      <location filename="../../layers/io/orders_input.py" line="174" />
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="92" />
      <source>{0}: the orders have no field {1!r} (fields: {2})</source>
      <translation>{0}：工单没有字段 {1!r}（现有字段：{2}）</translation>
    </message>
    <message>
      <location filename="../../layers/io/orders_input.py" line="205" />
      <source>{0}: unit {1!r} (feature {2}) has a NaN or infinite vertex; it is left out</source>
      <translation>{0}：单元 {1!r}（第 {2} 个要素）有 NaN 或无穷大的顶点，已略去</translation>
    </message>
    <message>
      <location filename="../../layers/io/orders_input.py" line="210" />
      <source>{0}: {1} units with NaN vertices left out in all</source>
      <translation>{0}：共略去 {1} 个带 NaN 顶点的单元</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="297" />
      <source>{0}: COPY sent {1} rows, {2} were read from them</source>
      <translation>{0}：COPY 发送了 {1} 行，从中读取了 {2} 行</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="309" />
      <source>{0}: reading the table by COPY failed: {1}</source>
      <translation>{0}：用 COPY 读取表失败：{1}</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="314" />
      <source>{0}: the database sent {1} rows, {2} were read</source>
      <translation>{0}：数据库发送了 {1} 行，读取了 {2} 行</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="599" />
      <location filename="../../layers/io/postgis_copy.py" line="736" />
      <source>{0}: the database refused the output; nothing was written: {1}</source>
      <translation>{0}：数据库拒绝了输出，未写入任何内容：{1}</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="669" />
      <source>{0}: the database refused rows {1} to {2}; nothing was written: {3}</source>
      <translation>{0}：数据库拒绝了第 {1} 至 {2} 行，未写入任何内容：{3}</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="785" />
      <source>The output table {0} cannot be read back</source>
      <translation>无法读回输出表 {0}</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="814" />
      <source>row {0}, field {1}: the text {2!r} is not valid Unicode and cannot be stored</source>
      <translation>第 {0} 行，字段 {1}：文本 {2!r} 不是有效的 Unicode，无法存储</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="818" />
      <source>A text is not valid Unicode and cannot be stored</source>
      <translation>有文本不是有效的 Unicode，无法存储</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="823" />
      <location filename="../../layers/outputs/gdal_sink.py" line="168" />
      <source>row {0}, field {1}: the value {2!r} cannot be stored as {3}</source>
      <translation>第 {0} 行，字段 {1}：值 {2!r} 无法存为{3}</translation>
    </message>
    <message>
      <location filename="../../layers/io/postgis_copy.py" line="852" />
      <source>row {0}, field {1}: the text holds a NUL character, which PostgreSQL cannot store</source>
      <translation>第 {0} 行，字段 {1}：文本含 NUL 字符，PostgreSQL 无法存储</translation>
    </message>
    <message>
      <location filename="../../layers/io/sources.py" line="81" />
      <source>{0}: read {1} features, but the layer reports {2}</source>
      <translation>{0}：读取了 {1} 个要素，但图层报告 {2} 个</translation>
    </message>
    <message>
      <location filename="../../layers/io/sources.py" line="90" />
      <source>{0} is in a geographic CRS ({1}); reproject it to a projected CRS in metres first, e.g. CGCS2000 / 3-degree Gauss-Kruger (EPSG:4547 for 114°E)</source>
      <translation>{0} 为地理坐标系（{1}）；请先投影到以米为单位的投影坐标系，例如 CGCS2000 / 3 度带高斯-克吕格（东经 114° 为 EPSG:4547）</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="52" />
      <source>boolean</source>
      <translation>布尔值</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="52" />
      <source>integer</source>
      <translation>整数</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="52" />
      <source>64-bit integer</source>
      <translation>64 位整数</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="52" />
      <source>real</source>
      <translation>实数</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="53" />
      <source>text</source>
      <translation>文本</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="53" />
      <source>date</source>
      <translation>日期</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="53" />
      <source>date and time</source>
      <translation>日期时间</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="270" />
      <source>{0}: GDAL could not write rows {1} to {2}: {3}</source>
      <translation>{0}：GDAL 无法写入第 {1} 至 {2} 行：{3}</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="353" />
      <source>row {0}, field {1}: the feature id {2} is there twice</source>
      <translation>第 {0} 行，字段 {1}：要素编号 {2} 重复出现</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="393" />
      <source>{0}: {1} rows written, {2} in the file</source>
      <translation>{0}：写入 {1} 行，文件中有 {2} 行</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="414" />
      <source>{0} cannot be renamed {1}</source>
      <translation>{0} 无法改名为 {1}</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/gdal_sink.py" line="473" />
      <source>The temporary output {0} cannot be read back</source>
      <translation>无法读回临时输出 {0}</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/run_outputs.py" line="247" />
      <source>{0}: features cannot be added to this output</source>
      <translation>{0}：此输出不能添加要素</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/run_outputs.py" line="252" />
      <source>the output refused a feature</source>
      <translation>输出拒收了一个要素</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/run_outputs.py" line="309" />
      <source>the output holds {0} rows</source>
      <translation>输出中只有 {0} 行</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/run_outputs.py" line="311" />
      <source>{0}: {1} of {2} rows did not reach the output (first reason: {3})</source>
      <translation>{0}：{2} 行中有 {1} 行未写入输出（首个原因：{3}）</translation>
    </message>
    <message>
      <location filename="../../layers/outputs/run_outputs.py" line="412" />
      <location filename="../../layers/runtime/cancel.py" line="13" />
      <source>Cancelled: nothing was written</source>
      <translation>已取消：未写入任何结果</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/declare.py" line="335" />
      <source>{0}: {1!r} is not a date</source>
      <translation>{0}：{1!r} 不是日期</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/declare.py" line="435" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="86" />
      <source>Excel (*.xlsx);;CSV (*.csv)</source>
      <translation>Excel 表格 (*.xlsx);;CSV 文件 (*.csv)</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="36" />
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="72" />
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="96" />
      <source>Orders (points)</source>
      <translation>工单（点）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="37" />
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="97" />
      <source>Orders' grid code field</source>
      <translation>工单的网格编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="38" />
      <location filename="../../layers/parameters/unit_layers.py" line="28" />
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="75" />
      <source>Grids</source>
      <translation>网格</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="39" />
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="76" />
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="95" />
      <source>Grid code field</source>
      <translation>网格编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="97" />
      <source>GRID_FIELD: the orders have no field {0!r}</source>
      <translation>GRID_FIELD：工单没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="126" />
      <source>Point look-up: compiled (numba)</source>
      <translation>点位落格：编译加速（numba）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="126" />
      <source>Point look-up: vectorised (no numba)</source>
      <translation>点位落格：向量化（未安装 numba）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="128" />
      <source>{0} orders lie in a grid</source>
      <translation>{0} 条工单位于网格内</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="136" />
      <source>Queen (shared corner)</source>
      <translation>后邻接（共点）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="136" />
      <source>Rook (shared edge)</source>
      <translation>车邻接（共边）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="136" />
      <location filename="../../layers/parameters/grid_inputs.py" line="140" />
      <source>Distance band</source>
      <translation>距离带</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="136" />
      <location filename="../../layers/parameters/grid_inputs.py" line="141" />
      <source>K nearest</source>
      <translation>K 近邻</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="139" />
      <source>Neighbours</source>
      <translation>邻接关系</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="172" />
      <source>{0} grids have no neighbour with {1} weights; they are compared on their own value</source>
      <translation>{0} 个网格在 {1} 权重下没有邻居；只与自身值比较</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/grid_inputs.py" line="184" />
      <source>{0}: the grids have no field {1!r}</source>
      <translation>{0}：网格没有字段 {1!r}</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="32" />
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="49" />
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="70" />
      <source>Class case field</source>
      <translation>类案字段</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="34" />
      <source>Only these class cases (codes, major classes or groups, e.g. 0601,0602 or noise)</source>
      <translation>仅这些类案（编码、大类或类案组，如 0601,0602 或 noise）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="36" />
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="71" />
      <location filename="../../layers/processing/orders/clues_alg.py" line="140" />
      <source>Time field</source>
      <translation>时间字段</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="37" />
      <source>From date (inclusive)</source>
      <translation>起始日期（含）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="38" />
      <source>To date (inclusive)</source>
      <translation>截止日期（含）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="39" />
      <source>Hours of the day (e.g. 22-6 for night noise)</source>
      <translation>时段（如 22-6 表示夜间噪声）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="66" />
      <source>DATE_TO is before DATE_FROM</source>
      <translation>DATE_TO 早于 DATE_FROM</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="90" />
      <source>{0}: the layer has no field {1!r} (fields: {2})</source>
      <translation>{0}：图层没有字段 {1!r}（现有字段：{2}）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="133" />
      <source>CATEGORIES needs CATEGORY_FIELD</source>
      <translation>CATEGORIES 需要 CATEGORY_FIELD</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="135" />
      <source>DATE_FROM, DATE_TO and HOURS need TIME_FIELD</source>
      <translation>DATE_FROM、DATE_TO 与 HOURS 需要 TIME_FIELD</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="148" />
      <source>{0} orders have a time that cannot be read as a date and time (first: row {1}, {2})</source>
      <translation>{0} 条工单的时间无法读作日期时间（第一条：第 {1} 行，{2}）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/order_filters.py" line="153" />
      <source>{0} of {1} orders pass the filter ({2})</source>
      <translation>{1} 条工单中 {0} 条通过筛选（{2}）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/orders_file.py" line="17" />
      <source>…or orders file (CSV, XLSX, Open311 JSON)</source>
      <translation>…或工单文件（CSV、XLSX、Open311 JSON）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/orders_file.py" line="18" />
      <source>Orders (*.csv *.txt *.xlsx *.xls *.json);;All files (*.*)</source>
      <translation>工单 (*.csv *.txt *.xlsx *.xls *.json);;所有文件 (*.*)</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="29" />
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="53" />
      <source>Micro-grids</source>
      <translation>微网格</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="30" />
      <location filename="../../layers/processing/printing/printmap_alg.py" line="138" />
      <source>Dedicated grids</source>
      <translation>专属网格</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="31" />
      <source>Communities</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="32" />
      <source>Streets</source>
      <translation>街道</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="43" />
      <source>{0} code field</source>
      <translation>{0}编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="100" />
      <source>{0}: {1} units, code field {2}</source>
      <translation>{0}：{1} 个单元，编码字段 {2}</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="114" />
      <source>{0}: no code field {1!r}; choose it in {2}</source>
      <translation>{0}：没有编码字段 {1!r}；请在 {2} 中选择</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="123" />
      <source>{0}: {1} units have no code (first: feature {2})</source>
      <translation>{0}：{1} 个单元没有编码（第一个：第 {2} 个要素）</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="135" />
      <source>{0} ({1}) has no coordinate reference system: set it in the layer's properties (Source, Set CRS), e.g. EPSG:4547 for CGCS2000 / 3-degree Gauss-Kruger 114°E, and run again</source>
      <translation>{0}（{1}）没有坐标参考系：请在图层属性（源 → 设置坐标参考系）中设置，例如东经 114° 的 CGCS2000 / 3 度带高斯-克吕格投影 EPSG:4547，然后重新运行</translation>
    </message>
    <message>
      <location filename="../../layers/parameters/unit_layers.py" line="147" />
      <source>{0} ({1}) has no coordinate reference system: taken to be in the grids' CRS ({2})</source>
      <translation>{0}（{1}）没有坐标参考系：按网格的坐标参考系（{2}）处理</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="65" />
      <source>A4 横向 landscape</source>
      <translation>A4 横向 landscape</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="66" />
      <source>A4 纵向 portrait</source>
      <translation>A4 纵向 portrait</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="67" />
      <source>A3 横向 landscape</source>
      <translation>A3 横向 landscape</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="68" />
      <source>A3 纵向 portrait</source>
      <translation>A3 纵向 portrait</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="89" />
      <source>序号</source>
      <translation>序号</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="90" />
      <source>网格编码</source>
      <translation>网格编码</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="91" />
      <source>社区</source>
      <translation>社区</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="92" />
      <source>网格员</source>
      <translation>网格员</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="93" />
      <location filename="../../layers/printing/layout.py" line="106" />
      <source>件数</source>
      <translation>件数</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="94" />
      <source>环比</source>
      <translation>环比</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="95" />
      <source>趋势</source>
      <translation>趋势</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="99" />
      <source>排名</source>
      <translation>排名</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="100" />
      <source>单位</source>
      <translation>单位</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="101" />
      <source>得分</source>
      <translation>得分</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="102" />
      <source>响应率</source>
      <translation>响应率</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="103" />
      <source>解决率</source>
      <translation>解决率</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="104" />
      <source>满意率</source>
      <translation>满意率</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="105" />
      <source>按期办结率</source>
      <translation>按期办结率</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="395" />
      <source>无考评单位 No unit assessed</source>
      <translation>无考评单位</translation>
    </message>
    <message>
      <location filename="../../layers/printing/layout.py" line="502" />
      <source>本页无工单 No cases on this page</source>
      <translation>本页无工单 No cases on this page</translation>
    </message>
    <message>
      <location filename="../../layers/printing/page_layers.py" line="235" />
      <source>网格热点 Gi*</source>
      <translation>网格热点 Gi*</translation>
    </message>
    <message>
      <location filename="../../layers/printing/page_layers.py" line="235" />
      <source>网格 Grids: {0}</source>
      <translation>网格 Grids: {0}</translation>
    </message>
    <message>
      <location filename="../../layers/printing/page_layers.py" line="275" />
      <source>热力（全区统一色阶）</source>
      <translation>热力（全区统一色阶）</translation>
    </message>
    <message>
      <location filename="../../layers/printing/page_layers.py" line="278" />
      <source>Heatmap colour scale: 0 to {0:.4g} on every page</source>
      <translation>热力色阶：每页均为 0 至 {0:.4g}</translation>
    </message>
    <message>
      <location filename="../../layers/printing/page_layers.py" line="322" />
      <source>考评得分 Score</source>
      <translation>考评得分</translation>
    </message>
    <message>
      <location filename="../../layers/printing/page_layers.py" line="328" />
      <source>末位 Lowest ranked</source>
      <translation>末位</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="28" />
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="111" />
      <source>Auto</source>
      <translation>自动</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="29" />
      <source>Rules</source>
      <translation>规则</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="30" />
      <source>Learned</source>
      <translation>学习</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="31" />
      <source>Hybrid</source>
      <translation>混合</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="38" />
      <source>Classify orders into class cases</source>
      <translation>类案分类</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="40" />
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="29" />
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="29" />
      <source>Analysis</source>
      <translation>分析</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="41" />
      <source>Gives every order a class case of the catalogue (TAXONOMY, by default the plugin's class_cases.csv) from its text (TEXT_FIELD): class_code, class_name, class_score, class_method and class_reason.

Methods: rules (the catalogue's keywords; the class whose matched keywords are longest in total wins; class_reason lists them), learned (character n-grams and logistic regression trained on the orders that already have a class in LABEL_FIELD; class_score is its probability), hybrid (the learned class where the model is at least 50 % sure, else the rules' class). auto: hybrid when LABEL_FIELD gives training orders, else rules. With LABEL_FIELD, TEST_SHARE of the classified orders is held back first to measure accuracy (ACCURACY_RULES, ACCURACY_LEARNED, ACCURACY_HYBRID; REPORT gives each class's recall and what it is confused with); the model that classifies the layer is then trained on all of them. An existing class_code field is kept as class_code_src.

Example: INPUT the orders, TEXT_FIELD description, LABEL_FIELD class_code (last month's dispatched orders).</source>
      <translation>根据工单文本（TEXT_FIELD）为每条工单赋予目录中的类案（TAXONOMY，默认为插件自带的 class_cases.csv）：class_code、class_name、class_score、class_method 和 class_reason。

方法：rules（目录关键词；匹配关键词总长度最长的类案胜出，class_reason 列出这些关键词）；learned（字符 n-gram 加逻辑回归，用 LABEL_FIELD 中已有类别的工单训练，class_score 为其概率）；hybrid（模型把握不低于 50 % 时取模型结果，否则取规则结果）；auto：LABEL_FIELD 提供训练工单时为 hybrid，否则为 rules。有 LABEL_FIELD 时，先留出 TEST_SHARE 比例的已分类工单检验准确率（ACCURACY_RULES、ACCURACY_LEARNED、ACCURACY_HYBRID；REPORT 给出每类的召回率及易混淆类别），再用全部已分类工单训练用于分类的模型。已有的 class_code 字段保留为 class_code_src。

示例：INPUT 工单，TEXT_FIELD description，LABEL_FIELD class_code（上月已派单工单）。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="55" />
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="45" />
      <location filename="../../ui/steps.py" line="40" />
      <source>Orders</source>
      <translation>工单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="56" />
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="74" />
      <location filename="../../layers/processing/orders/clues_alg.py" line="139" />
      <source>Text field</source>
      <translation>文本字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="57" />
      <source>Class-case catalogue (class_code, name_zh, keywords)</source>
      <translation>类案目录（class_code、name_zh、keywords）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="58" />
      <source>Known class field (orders already classified, for training)</source>
      <translation>已知类别字段（已分类的工单，用于训练）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="59" />
      <source>Method</source>
      <translation>方法</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="60" />
      <source>Share held back to measure accuracy</source>
      <translation>留出用于检验准确率的比例</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="61" />
      <source>Classified orders</source>
      <translation>已分类工单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="62" />
      <source>Accuracy per class</source>
      <translation>各类准确率</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="65" />
      <source>Accuracy of the rules</source>
      <translation>规则法准确率</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="66" />
      <source>Accuracy of the learned model</source>
      <translation>学习模型准确率</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="67" />
      <source>Accuracy of rules and model together</source>
      <translation>规则与模型结合的准确率</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="102" />
      <source>Held back {0} of {1} classified orders: accuracy rules {2:.1%}, learned {3:.1%}, hybrid {4:.1%}</source>
      <translation>留出 {1} 条已分类工单中的 {0} 条：规则法准确率 {2:.1%}，学习模型 {3:.1%}，混合 {4:.1%}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="123" />
      <source>TEXT_FIELD: the layer has no field {0!r}</source>
      <translation>TEXT_FIELD：图层没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="133" />
      <source>LABEL_FIELD: the layer has no field {0!r}</source>
      <translation>LABEL_FIELD：图层没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="138" />
      <source>{0} known classes are not in the catalogue (e.g. {1}); they train the model all the same</source>
      <translation>{0} 个已知类别不在目录中（例如 {1}）；它们仍用于训练模型</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="151" />
      <source>The {0} method needs LABEL_FIELD with orders of at least two class cases</source>
      <translation>{0} 方法需要 LABEL_FIELD，且工单至少涉及两个类案</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/classify_alg.py" line="172" />
      <source>{0} orders classified by {1}; {2} without a class (no keyword and no model)</source>
      <translation>{0} 条工单按 {1} 分类；{2} 条无类别（无关键词且无模型）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="27" />
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="49" />
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="73" />
      <source>Emerging hot spots</source>
      <translation>热点趋势</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="30" />
      <source>How each grid's hot-spot status changes over time, as ArcGIS's Emerging Hot Spot Analysis with its defaults: orders are counted per grid and TIME_STEP (a space-time cube, zeros included); every bin gets a Gi* z-score against the whole cube, its neighbours being the grid and its neighbours (WEIGHTS) in the same and the previous time step; p-values are corrected for the false discovery rate and significant at ALPHA; a Mann-Kendall test gives the trend of each grid's z-scores (mk_tau, mk_p). Each grid gets one of 17 patterns: new, consecutive, intensifying, persistent, diminishing, sporadic, oscillating or historical hot spot or cold spot, or no pattern (pattern, and pattern_zh in Chinese), with n_hot and n_cold time steps and z_&lt;step&gt; columns. CUBE lists every grid × time step with its count, z-score and bin.

Example: INPUT the placed orders, GRIDS the grid layer, TIME_FIELD reported_at, CATEGORIES noise, TIME_STEP month.</source>
      <translation>每个网格的热点状态如何随时间变化，与 ArcGIS 热点趋势分析（Emerging Hot Spot Analysis）及其默认设置一致：按网格和 TIME_STEP 统计工单（时空立方体，含零值）；每个单元相对整个立方体计算 Gi* z 得分，其邻居为该网格及其邻接网格（WEIGHTS）在同一和上一时间步的单元；p 值经错误发现率校正后按 ALPHA 判断显著性；Mann-Kendall 检验给出各网格 z 得分的趋势（mk_tau、mk_p）。每个网格归入 17 种模式之一：新增、连续、加强、持续、减弱、零星、振荡或历史热点/冷点，或无模式（pattern，中文见 pattern_zh），并给出 n_hot、n_cold 时间步数及 z_&lt;步&gt; 列。CUBE 列出每个网格 × 时间步的件数、z 得分和分级。

示例：INPUT 已落格工单，GRIDS 网格图层，TIME_FIELD reported_at，CATEGORIES noise，TIME_STEP 月。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="45" />
      <source>Time step</source>
      <translation>时间步长</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="45" />
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="22" />
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="54" />
      <source>Week</source>
      <translation>周</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="45" />
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="22" />
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="47" />
      <source>Month</source>
      <translation>月</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="47" />
      <source>Significance level</source>
      <translation>显著性水平</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="48" />
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="43" />
      <source>False discovery rate correction</source>
      <translation>错误发现率（FDR）校正</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="50" />
      <source>Space-time cube (grid × time step)</source>
      <translation>时空立方体（网格 × 时间步）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="60" />
      <source>Emerging hot spots need TIME_FIELD</source>
      <translation>热点趋势分析需要 TIME_FIELD</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="87" />
      <source>The orders span one {0}; emerging hot spots need at least two</source>
      <translation>工单只跨越一个{0}；热点趋势分析至少需要两个</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="90" />
      <source>Only {0} time steps: trends and the 90 % rules are weak on so few (ArcGIS asks for 10)</source>
      <translation>只有 {0} 个时间步：这么少时趋势和 90 % 规则都较弱（ArcGIS 要求 10 个）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/emerginghotspots_alg.py" line="93" />
      <source>Space-time cube: {0} grids × {1} {2}s, {3} orders</source>
      <translation>时空立方体：{0} 个网格 × {1} 个{2}，{3} 条工单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="22" />
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="54" />
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="54" />
      <source>Quarter</source>
      <translation>季度</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="22" />
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="44" />
      <source>Year</source>
      <translation>年</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="30" />
      <source>Counts the orders of every grid, also grids without any (a zero is a quiet grid): cnt_total, one cnt_&lt;class&gt; column for each of the most frequent class cases, per_1k_hh (per 1,000 households, from POPULATION_FIELD) and per_km2, repeat_rate (with REPEAT_FIELD, e.g. is_repeat of Find repeats), and the change of the current PERIOD against the one before, as ArcGIS's Summarize Percent Change: cur_cnt, prev_cnt, diff_cnt and perc_chg = (C − P) / P × 100 (empty where P = 0). CURRENT names the current period (2025-06, 2025Q2, 2025, or a week as 2025-06-02/2025-06-08); by default it is the latest with orders. TABLE lists the counts per grid, class case and period. The orders' grid comes from GRID_FIELD, or else from where each point lies.

Example: INPUT the placed orders, GRIDS the grid layer, GRID_FIELD grid_code, CATEGORIES noise, PERIOD month.</source>
      <translation>统计每个网格的工单，包括没有工单的网格（零表示平静的网格）：cnt_total，最常见的若干类案各一列 cnt_&lt;类案&gt;，per_1k_hh（每千户，来自 POPULATION_FIELD）和 per_km2，repeat_rate（需 REPEAT_FIELD，如重复工单的 is_repeat），以及当前 PERIOD 相对上一周期的变化，与 ArcGIS 的 Summarize Percent Change 一致：cur_cnt、prev_cnt、diff_cnt 和 perc_chg = (C − P) / P × 100（P = 0 时为空）。CURRENT 指定当前周期（2025-06、2025Q2、2025，或周如 2025-06-02/2025-06-08）；默认取有工单的最新周期。TABLE 列出各网格、类案、周期的件数。工单所属网格取自 GRID_FIELD，否则按点所在位置判断。

示例：INPUT 已落格工单，GRIDS 网格图层，GRID_FIELD grid_code，CATEGORIES noise，PERIOD 月。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="42" />
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="38" />
      <source>Households field</source>
      <translation>户数字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="44" />
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="103" />
      <location filename="../../layers/processing/warning/forecast_alg.py" line="22" />
      <source>Period</source>
      <translation>统计周期</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="45" />
      <source>Current period (default: latest)</source>
      <translation>当前周期（默认：最新）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="46" />
      <source>Repeat flag field (is_repeat)</source>
      <translation>重复标记字段（is_repeat）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="48" />
      <source>Counts per grid, class and period</source>
      <translation>各网格、类案、周期的件数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/gridstats_alg.py" line="84" />
      <source>{0} orders are in no grid and not counted</source>
      <translation>{0} 条工单不在任何网格内，未计入</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="45" />
      <source>Quartic</source>
      <translation>四次核</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="45" />
      <source>Triangular</source>
      <translation>三角核</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="45" />
      <source>Uniform</source>
      <translation>均匀核</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="45" />
      <source>Triweight</source>
      <translation>三权核</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="45" />
      <source>Epanechnikov</source>
      <translation>Epanechnikov 核</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="47" />
      <source>None</source>
      <translation>无</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="56" />
      <source>Heatmap of class cases</source>
      <translation>类案热力图</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="59" />
      <source>Kernel density of orders as a GeoTIFF, with the kernels and raw / scaled values of QGIS's own Heatmap (RADIUS, PIXEL_SIZE, KERNEL, DECAY, OUTPUT_VALUE and WEIGHT_FIELD mean the same), computed by binning the points on a lattice finer than the pixels and one FFT convolution: the same surface as the direct kernel sum (within 0.5 %), in a fraction of the time.

Filters: CATEGORIES (class codes such as 0601, major classes such as 06, or groups such as noise), DATE_FROM / DATE_TO and HOURS (22-6 is 22:00 to 05:59). EXTENT fixes the raster's extent, so rasters made for different periods line up. SERIES writes one raster per month or per class case into OUTPUT_FOLDER, all on one extent and styled on one colour scale (SERIES_MAXIMUM), so equal colours mean equal density on every map of the series.

Example: INPUT the placed orders, CATEGORIES noise, HOURS 22-6, RADIUS 300, PIXEL_SIZE 20.</source>
      <translation>以 GeoTIFF 输出工单的核密度，核函数及原始/缩放值与 QGIS 自带的热力图一致（RADIUS、PIXEL_SIZE、KERNEL、DECAY、OUTPUT_VALUE 和 WEIGHT_FIELD 含义相同），计算方法是把点分箱到比像元更细的格网上再做一次 FFT 卷积：与直接核求和得到同样的曲面（误差 0.5 % 以内），用时只是其一小部分。

筛选：CATEGORIES（类案编码如 0601、大类如 06，或类案组如 noise），DATE_FROM / DATE_TO 和 HOURS（22-6 表示 22:00 至 05:59）。EXTENT 固定栅格范围，使不同时期的栅格对齐。SERIES 按月或按类案向 OUTPUT_FOLDER 各写一幅栅格，范围相同并使用同一色阶（SERIES_MAXIMUM），使整个序列中相同颜色表示相同密度。

示例：INPUT 已落格工单，CATEGORIES noise，HOURS 22-6，RADIUS 300，PIXEL_SIZE 20。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="73" />
      <source>Radius</source>
      <translation>半径</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="74" />
      <source>Pixel size</source>
      <translation>像元大小</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="75" />
      <source>Kernel shape</source>
      <translation>核函数形状</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="76" />
      <source>Decay ratio (triangular kernels only)</source>
      <translation>衰减比（仅三角核）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="77" />
      <source>Output values</source>
      <translation>输出值</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="77" />
      <source>Raw</source>
      <translation>原始值</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="77" />
      <source>Scaled</source>
      <translation>缩放值</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="78" />
      <source>Weight from field</source>
      <translation>权重字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="79" />
      <source>Extent</source>
      <translation>范围</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="81" />
      <source>Series (one raster per …)</source>
      <translation>序列（每…一幅栅格）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="82" />
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="143" />
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="211" />
      <source>Heatmap</source>
      <translation>热力图</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="84" />
      <source>Folder for the series rasters</source>
      <translation>序列栅格文件夹</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="88" />
      <source>Largest value of the heatmap</source>
      <translation>热力图最大值</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="89" />
      <source>Largest value of the series (their shared colour scale)</source>
      <translation>序列最大值（共用色阶）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="90" />
      <source>Orders used</source>
      <translation>使用的工单数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="91" />
      <source>Series rasters</source>
      <translation>序列栅格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="98" />
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="65" />
      <source>The orders layer</source>
      <translation>工单图层</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="100" />
      <source>RADIUS and PIXEL_SIZE must be positive</source>
      <translation>RADIUS 与 PIXEL_SIZE 必须为正数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="107" />
      <source>No order passes the filter ({0})</source>
      <translation>没有工单通过筛选（{0}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="154" />
      <source>{0} × {1} pixels is too large: some orders lie far from the others. Set EXTENT to the area of interest, or choose a larger PIXEL_SIZE</source>
      <translation>{0} × {1} 像元过大：有些工单离其他工单很远。请把 EXTENT 设为关注区域，或选用更大的 PIXEL_SIZE</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="159" />
      <source>Raster {0} × {1} pixels of {2} m</source>
      <translation>栅格 {0} × {1} 像元，每像元 {2} 米</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="171" />
      <source>{0} rows have no usable {1} (first: row {2}); they add nothing</source>
      <translation>{0} 行没有可用的 {1}（第一行：第 {2} 行）；不计入</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="187" />
      <source>{0} orders placed in no grid lie outside the raster (their match_method)</source>
      <translation>{0} 条未落入网格的工单位于栅格之外（见其 match_method）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="202" />
      <source>SERIES needs OUTPUT_FOLDER</source>
      <translation>SERIES 需要 OUTPUT_FOLDER</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="204" />
      <source>A monthly series needs TIME_FIELD</source>
      <translation>按月序列需要 TIME_FIELD</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="206" />
      <source>A series per class case needs CATEGORY_FIELD</source>
      <translation>按类案序列需要 CATEGORY_FIELD</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/heatmap_alg.py" line="216" />
      <source>{0} series rasters on one colour scale up to {1:.4g}</source>
      <translation>{0} 幅序列栅格，共用色阶，最大 {1:.4g}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="22" />
      <source>Hot spots, Getis-Ord Gi*</source>
      <translation>热点分析（Getis-Ord Gi*）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="25" />
      <source>Getis-Ord Gi* on a value of every grid (for example cnt_total or cnt_0601 of Grid statistics), as ArcGIS's Hot Spot Analysis and PySAL's esda.G_Local(star=True) compute it. Adds gi_z (z-score), gi_p (two-sided p-value), gi_p_sim (conditional permutation pseudo p-value, PERMUTATIONS draws with SEED, so a run can be repeated), n_neigh and gi_bin: ±3, ±2, ±1 for hot (+) or cold (−) spots at 99 %, 95 % and 90 % confidence, 0 where not significant; with FDR the thresholds are Benjamini–Hochberg's.

WEIGHTS: queen (grids sharing a corner), rook (sharing an edge), distance (centroids within DISTANCE) or knn (the K nearest centroids). TRANSFORM binary (ArcGIS's default) or row-standardised. LOCAL_MORAN adds Local Moran's I: lisa_i, lisa_q (1 high-high, 2 low-high, 3 low-low, 4 high-low) and lisa_p_sim.

Example: INPUT the Grid statistics layer, FIELD cnt_total, WEIGHTS queen, PERMUTATIONS 999.</source>
      <translation>对每个网格的某个数值（如网格统计的 cnt_total 或 cnt_0601）计算 Getis-Ord Gi*，与 ArcGIS 热点分析及 PySAL 的 esda.G_Local(star=True) 一致。添加 gi_z（z 得分）、gi_p（双侧 p 值）、gi_p_sim（条件置换伪 p 值，按 SEED 抽取 PERMUTATIONS 次，结果可重复）、n_neigh 和 gi_bin：±3、±2、±1 分别表示 99 %、95 %、90 % 置信的热点（+）或冷点（−），不显著为 0；启用 FDR 时阈值按 Benjamini–Hochberg 方法。

WEIGHTS：queen（共点）、rook（共边）、distance（质心在 DISTANCE 以内）或 knn（最近的 K 个质心）。TRANSFORM：二值（ArcGIS 默认）或行标准化。LOCAL_MORAN 增加局部 Moran's I：lisa_i、lisa_q（1 高-高，2 低-高，3 低-低，4 高-低）和 lisa_p_sim。

示例：INPUT 网格统计图层，FIELD cnt_total，WEIGHTS queen，PERMUTATIONS 999。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="37" />
      <source>Grids with a value</source>
      <translation>带数值的网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="38" />
      <source>Value field</source>
      <translation>数值字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="40" />
      <source>Weights</source>
      <translation>空间权重</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="40" />
      <source>Binary</source>
      <translation>二值</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="40" />
      <source>Row-standardised</source>
      <translation>行标准化</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="41" />
      <source>Permutations (0: none)</source>
      <translation>置换次数（0：不做）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="42" />
      <location filename="../../layers/processing/data/democity_alg.py" line="49" />
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="44" />
      <source>Add Local Moran's I</source>
      <translation>增加局部 Moran's I</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="45" />
      <source>Hot spots</source>
      <translation>热点</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="47" />
      <source>Hot-spot grids</source>
      <translation>热点网格数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="47" />
      <source>Cold-spot grids</source>
      <translation>冷点网格数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="60" />
      <source>{0} hot-spot grids, {1} cold-spot grids of {2}</source>
      <translation>{2} 中热点网格 {0} 个，冷点网格 {1} 个</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="62" />
      <source>Hot spots (Gi*)</source>
      <translation>热点（Gi*）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="70" />
      <source>FIELD: the layer has no field {0!r}</source>
      <translation>FIELD：图层没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="76" />
      <source>{0} grids have no {1} (first: feature {2}); fill them (0 for a count) first</source>
      <translation>{0} 个网格没有 {1}（第一个：要素 {2}）；请先填值（计数填 0）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/hotspots_alg.py" line="83" />
      <source>{0} grids have no geometry (first: feature {1})</source>
      <translation>{0} 个网格没有几何（第一个：要素 {1}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="32" />
      <source>When: hour × weekday profile</source>
      <translation>时段分布（小时 × 星期）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="35" />
      <source>When orders happen, so patrols can be timed: for each group (GROUP_FIELD: a grid, hot area or street; empty: all orders together) the 7 × 24 counts by weekday and hour, the peak window (the shortest run of consecutive hours, wrapping past midnight, that holds SHARE of the group's orders, e.g. 22:00–02:00) and the peak days. OUTPUT has one row per group (the TOP groups with most orders): orders, peak_hours, peak_share, peak_days, peak_days_zh. TABLE lists every group × weekday × hour. CHART_FOLDER receives one PNG chart per group.

Example: INPUT the placed orders, GROUP_FIELD grid_code, CATEGORIES noise, TOP 10.</source>
      <translation>工单在什么时候发生，以便安排巡查时间：对每个分组（GROUP_FIELD：网格、热区或街道；为空：全部工单合为一组）统计按星期和小时的 7 × 24 件数、高峰时段（包含该组 SHARE 比例工单的最短连续小时段，可跨越午夜，如 22:00–02:00）和高峰日。OUTPUT 每组一行（工单最多的 TOP 个分组）：orders、peak_hours、peak_share、peak_days、peak_days_zh。TABLE 列出每组 × 星期 × 小时。CHART_FOLDER 为每组生成一张 PNG 图表。

示例：INPUT 已落格工单，GROUP_FIELD grid_code，CATEGORIES noise，TOP 10。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="46" />
      <source>Group by (grid, hot area …)</source>
      <translation>分组依据（网格、热区……）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="48" />
      <source>Groups with most orders (0: all)</source>
      <translation>工单最多的分组数（0：全部）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="49" />
      <source>Share of orders in the peak window</source>
      <translation>高峰时段内工单占比</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="50" />
      <source>Peak hours and days</source>
      <translation>高峰时段与高峰日</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="51" />
      <source>Counts per weekday and hour</source>
      <translation>按星期与小时的件数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="53" />
      <source>Folder for the charts (PNG)</source>
      <translation>图表文件夹（PNG）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="56" />
      <source>Charts</source>
      <translation>图表</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="64" />
      <source>A time profile needs TIME_FIELD</source>
      <translation>时段分布需要 TIME_FIELD</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="68" />
      <source>{0} orders have no readable time and are left out</source>
      <translation>{0} 条工单时间无法读取，未计入</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="90" />
      <source>GROUP_FIELD: the layer has no field {0!r}</source>
      <translation>GROUP_FIELD：图层没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="93" />
      <source>all</source>
      <translation>全部</translation>
    </message>
    <message>
      <location filename="../../layers/processing/analysis/timeprofile_alg.py" line="98" />
      <source>{0} groups profiled ({1})</source>
      <translation>已分析 {0} 个分组（{1}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="37" />
      <source>Accepted at (受理时间; empty: recognised by name)</source>
      <translation>受理时间（留空：按列名识别）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="38" />
      <source>Dispatched at (派单时间)</source>
      <translation>派单时间</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="39" />
      <source>Signed off at (签收时间)</source>
      <translation>签收时间</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="40" />
      <source>Closed at (办结时间)</source>
      <translation>办结时间</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="41" />
      <source>Due by (办理时限)</source>
      <translation>办理时限</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="42" />
      <source>Status (办理状态)</source>
      <translation>办理状态</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="43" />
      <source>Handling department (承办单位)</source>
      <translation>承办单位</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="44" />
      <source>Resolved (是否解决)</source>
      <translation>是否解决</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="45" />
      <source>Satisfaction (满意度)</source>
      <translation>满意度</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="46" />
      <source>Times sent back or re-dispatched (改派次数)</source>
      <translation>退单/改派次数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="47" />
      <source>Urgency (紧急程度)</source>
      <translation>紧急程度</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="48" />
      <source>Repeat flag (is_repeat of Find repeats)</source>
      <translation>重复件标记（查找重复件的 is_repeat）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="50" />
      <source>Order id field</source>
      <translation>工单编号字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="54" />
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="54" />
      <source>All (one period)</source>
      <translation>全部（一期）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="69" />
      <source>Weights of the score (rate=percent, …)</source>
      <translation>得分权重（指标=百分比，…）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="75" />
      <source>Assess responsible units (三率)</source>
      <translation>责任单位考评（三率）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="77" />
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="144" />
      <location filename="../../ui/steps.py" line="63" />
      <source>Assessment</source>
      <translation>考评</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="78" />
      <source>Rates every responsible unit (UNIT_FIELD: by default resp_code, the unit Place orders made responsible; or a handling department, a street, NYC's Agency …) per PERIOD (month, week, quarter or all), as 12345 centres assess them (三率). Lifecycle columns are recognised by name (受理时间, 签收时间, 办结时间, 办理时限, 是否解决, 满意度, 改派次数, 紧急程度 …; NYC's Created Date, Closed Date, Due Date, Status), or chosen.
- response_rate (响应率): signed off within RESPONSE_HOURS of dispatch (URGENT_HOURS if urgent), over orders whose sign-off deadline has passed;
- ontime_close_rate (按期办结率): closed by the due time (else CLOSURE_DAYS after acceptance);
- close_rate (办结率), median_hours and p90_hours from acceptance to closure;
- resolution_rate (解决率: 解决 and 基本解决 over answered), satisfaction_rate (满意率: 满意 and 基本满意 over rated; 未评价 left out), repeat_rate, redispatch_rate;
- score = 100 × the WEIGHTS' shares of the rates (default response 30 %, resolution 35 %, satisfaction 35 %), rank (1 = best) and rank_change against the previous period. A unit with fewer than MIN_ORDERS orders in a period is rated = false: shown, not ranked (note says why).
OUTPUT: a row per unit and period, on the unit's polygon when UNITS (and UNITS_CODE_FIELD) are given. OVERDUE: open orders past their deadline, longest first, with their unit and department. TOPICS (每月一题): per period the class cases ranked by orders expected unresolved. ORDERS: every input row with its status and the values that could not be read. REPORT: the whole as an XLSX workbook with a sheet of definitions. 'Now' for open orders is AS_OF, else the latest time in the data.

Example: INPUT the orders with repeats (Find repeats' output), UNITS the grids, PERIOD month.</source>
      <translation>按期（PERIOD：月、周、季度或全部）考评每个责任单位（UNIT_FIELD：默认为 resp_code，即“工单定位”确定的责任单位；也可为承办部门、街道、纽约的 Agency 等），与 12345 中心的“三率”考核一致。生命周期字段按列名识别（受理时间、签收时间、办结时间、办理时限、是否解决、满意度、改派次数、紧急程度……；纽约的 Created Date、Closed Date、Due Date、Status），也可手动指定。
- response_rate（响应率）：派单后 RESPONSE_HOURS 小时内签收（紧急件为 URGENT_HOURS），分母为签收时限已到的工单；
- ontime_close_rate（按期办结率）：在办理时限前办结（无时限时为受理后 CLOSURE_DAYS 天）；
- close_rate（办结率），以及受理到办结的 median_hours 与 p90_hours；
- resolution_rate（解决率：解决与基本解决占有答复者的比例）、satisfaction_rate（满意率：满意与基本满意占已评价者的比例；未评价不计）、repeat_rate、redispatch_rate；
- score = 100 × 按 WEIGHTS 份额加权的各率（默认响应率 30 %、解决率 35 %、满意率 35 %），rank（1 为最好）及与上一期相比的 rank_change。某期工单少于 MIN_ORDERS 的单位 rated = false：列出但不排名（note 说明原因）。
OUTPUT：每个单位每期一行，给出 UNITS（及 UNITS_CODE_FIELD）时附单位的面。OVERDUE：超过时限仍未办结的工单，超期最久的在前，附责任单位和承办部门。TOPICS（每月一题）：每期按预计未解决工单数排列的类案。ORDERS：每个输入行及其状态和无法读取的值。REPORT：整个考评写成 XLSX 工作簿，含一张定义说明表。在办工单的“当前时间”为 AS_OF，否则为数据中的最晚时间。

示例：INPUT 为带重复件标记的工单（查找重复件的输出），UNITS 为网格，PERIOD 月。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="100" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="126" />
      <source>Orders layer</source>
      <translation>工单图层</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="102" />
      <source>Unit assessed</source>
      <translation>考评单位</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="105" />
      <source>Sign-off within (hours)</source>
      <translation>签收时限（小时）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="106" />
      <source>Sign-off of urgent orders within (hours)</source>
      <translation>紧急工单签收时限（小时）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="107" />
      <source>Closure within (days) where an order has no due time</source>
      <translation>无办理时限的工单办结时限（天）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="109" />
      <source>Orders a unit needs in a period to be ranked</source>
      <translation>单位每期参与排名所需的最少工单数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="110" />
      <source>Now, for open orders (empty: the latest time in the data)</source>
      <translation>计算在办工单的“当前时间”（留空：数据中的最晚时间）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="111" />
      <source>Units to draw (polygons)</source>
      <translation>绘制的单位（面）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="113" />
      <source>Units' code field</source>
      <translation>单位编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="114" />
      <source>Assessment per unit and period</source>
      <translation>各单位各期考评</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="115" />
      <source>Open orders past their deadline</source>
      <translation>超期未办结工单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="116" />
      <source>Class cases to take on (每月一题)</source>
      <translation>待攻坚类案（每月一题）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="117" />
      <source>Every order with its status</source>
      <translation>每张工单及其状态</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="118" />
      <source>Report (XLSX)</source>
      <translation>考评报告（XLSX）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="118" />
      <source>Excel (*.xlsx)</source>
      <translation>Excel 文件 (*.xlsx)</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="121" />
      <source>Units ranked</source>
      <translation>参与排名的单位</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="121" />
      <source>Overdue</source>
      <translation>超期工单数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="152" />
      <source>Report written: {0}</source>
      <translation>已写出报告：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="166" />
      <source>UNITS_CODE_FIELD: the units have no field {0!r}</source>
      <translation>UNITS_CODE_FIELD：单位图层没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/assessment/assessment_alg.py" line="176" />
      <source>{0} unit rows have no polygon among the UNITS</source>
      <translation>{0} 行单位在 UNITS 中没有对应的面</translation>
    </message>
    <message>
      <location filename="../../layers/processing/data/democity_alg.py" line="23" />
      <source>Demo city GeoPackage</source>
      <translation>示范城区 GeoPackage</translation>
    </message>
    <message>
      <location filename="../../layers/processing/data/democity_alg.py" line="23" />
      <location filename="../../ui/grids_panel.py" line="48" />
      <source>GeoPackage (*.gpkg)</source>
      <translation>GeoPackage 文件 (*.gpkg)</translation>
    </message>
    <message>
      <location filename="../../layers/processing/data/democity_alg.py" line="32" />
      <source>Build demo city</source>
      <translation>生成示范城区</translation>
    </message>
    <message>
      <location filename="../../layers/processing/data/democity_alg.py" line="34" />
      <source>Data</source>
      <translation>数据</translation>
    </message>
    <message>
      <location filename="../../layers/processing/data/democity_alg.py" line="35" />
      <source>Generates a realistic demo district in CGCS2000 / 3-degree Gauss-Kruger CM 114E (EPSG:4547): 7 street offices, about 60 communities, 600 grids and 3,000 micro-grids nested along a road network, about 30 dedicated grids, a roster, an address gazetteer, a year of 12345 work orders (coordinates as each channel reports them: GCJ-02, BD-09, WGS84, CGCS2000), inspection reports, the planted hot areas behind them, and internet posts about its problems (未诉先办 clues: colloquial, some with GCJ-02 / BD-09 geotags, some repeating a phone order, some no case) with the truth behind each.

SEED: the same seed gives the same city, byte for byte.
ORDERS: number of work orders (100,000 by default; up to 5,000,000).
POSTS: number of internet posts (600 by default).
OUTPUT: the GeoPackage; a QGIS project with styled layers is written beside it (PROJECT).

Example: qgis_process run gridgov:democity -- SEED=20251 ORDERS=100000 OUTPUT=demo_city.gpkg</source>
      <translation>在 CGCS2000 / 3 度带高斯-克吕格 中央经线 114E（EPSG:4547）中生成一个逼真的示范城区：7 个街道办、约 60 个社区、沿路网嵌套的 600 个网格和 3,000 个微网格、约 30 个专属网格、网格员名册、标准地址库、一年的 12345 工单（坐标按各渠道实际上报：GCJ-02、BD-09、WGS84、CGCS2000）、巡查上报、其背后预设的热点区，以及关于城区问题的网络帖子（未诉先办线索：口语化，部分带 GCJ-02 / BD-09 定位，部分与电话工单重复，部分不是案件），并附每条的真值。

SEED：同一种子生成逐字节相同的城区。
ORDERS：工单数量（默认 100,000，最多 5,000,000）。
POSTS：网络帖子数量（默认 600）。
OUTPUT：GeoPackage；旁边同时写出一个已配好样式的 QGIS 工程（PROJECT）。

示例：qgis_process run gridgov:democity -- SEED=20251 ORDERS=100000 OUTPUT=demo_city.gpkg</translation>
    </message>
    <message>
      <location filename="../../layers/processing/data/democity_alg.py" line="50" />
      <source>Number of work orders</source>
      <translation>工单数量</translation>
    </message>
    <message>
      <location filename="../../layers/processing/data/democity_alg.py" line="51" />
      <source>Number of internet posts</source>
      <translation>网络帖子数量</translation>
    </message>
    <message>
      <location filename="../../layers/processing/data/democity_alg.py" line="54" />
      <source>Demo city QGIS project</source>
      <translation>示范城区 QGIS 工程</translation>
    </message>
    <message>
      <location filename="../../layers/processing/data/democity_alg.py" line="65" />
      <source>Demo city written to {0} and {1}</source>
      <translation>示范城区已写入 {0} 与 {1}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="43" />
      <source>Class cases (codes or groups, comma separated)</source>
      <translation>类案（编码或类别组，逗号分隔）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="53" />
      <source>Class sweep (one case to a whole class)</source>
      <translation>一案带一类排查</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="55" />
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="74" />
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="73" />
      <source>Governance</source>
      <translation>治理</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="56" />
      <source>一案带一类: from one case (CASE_ID, found among INPUT or in CASE_LAYER, e.g. a new case of Internet clues) or a class case (CLASS: codes separated by commas, or a case group such as noise), lists every grid with orders of that class in the last MONTHS months up to the latest report, ranked by cases (distinct case_id where the orders have one, else orders) and then by recency (last_seen). Each grid gets its cases, orders, recent_orders (last 30 days), first_seen, last_seen, days_since_last and places: the roads, estates and landmarks its orders' texts name, the most named first. AREA keeps the grids it touches.

The output is the grid polygons with grid_code and name: give it to Patrol plan as INPUT to plan the inspection.

Example: demo city: INPUT the orders with cases, GRIDS grids, CLASS 0402 (missing manhole covers), MONTHS 12, ROADS roads, GAZETTEER addresses, DEDICATED dedicated_grids.</source>
      <translation>一案带一类：从一个案件（CASE_ID，在 INPUT 或 CASE_LAYER 中查找，例如网络线索的新立案）或一个类案（CLASS：逗号分隔的编码，或 noise 等类别组）出发，列出最近 MONTHS 个月内（截至最新一次反映）有该类工单的所有网格，先按案件数（工单带 case_id 时为不同案件数，否则为工单数）、再按最近程度（last_seen）排序。每个网格给出 cases、orders、recent_orders（最近 30 天）、first_seen、last_seen、days_since_last 和 places：其工单文本提到的道路、小区和地标，提及最多的在前。AREA 只保留与之相交的网格。

输出为带 grid_code 和 name 的网格面：可作为巡查计划的 INPUT，安排排查。

示例：示范城区：INPUT 带案件编号的工单，GRIDS 网格，CLASS 0402（井盖缺失），MONTHS 12，ROADS 道路，GAZETTEER 地址库，DEDICATED 专属网格。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="69" />
      <source>Orders (points, or a table with a grid field)</source>
      <translation>工单（点图层，或带网格字段的表）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="72" />
      <source>Case id field</source>
      <translation>案件编号字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="73" />
      <source>Grid field (empty: from the points)</source>
      <translation>网格字段（为空：由点位确定）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="77" />
      <source>Grid name field</source>
      <translation>网格名称字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="79" />
      <source>…or one case id</source>
      <translation>…或一个案件编号</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="80" />
      <source>Layer holding the case (empty: INPUT)</source>
      <translation>案件所在图层（为空：INPUT）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="81" />
      <source>Its time field (empty: TIME_FIELD)</source>
      <translation>其时间字段（为空：TIME_FIELD）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="82" />
      <source>Months swept</source>
      <translation>排查月数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="83" />
      <source>Area (only grids touching it)</source>
      <translation>范围（只保留与之相交的网格）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="85" />
      <source>Dedicated grids (landmark names)</source>
      <translation>专属网格（地标名称）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="86" />
      <location filename="../../layers/processing/orders/clues_alg.py" line="146" />
      <source>Dedicated grid name field</source>
      <translation>专属网格名称字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="87" />
      <source>Places listed per grid</source>
      <translation>每个网格列出的地点数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="88" />
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="157" />
      <source>Class sweep</source>
      <translation>一案带一类排查清单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="91" />
      <source>Grids with cases</source>
      <translation>有案件的网格数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="92" />
      <source>Class cases swept</source>
      <translation>排查的类案</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="101" />
      <source>GRIDS has no field {0!r}</source>
      <translation>GRIDS 没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="104" />
      <source>{0} ({1}) has no coordinate reference system: set it in the layer's properties</source>
      <translation>{0}（{1}）没有坐标参考系：请在图层属性中设置</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="109" />
      <source>INPUT has no orders</source>
      <translation>INPUT 没有工单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="134" />
      <source>GRID_FIELD: the orders have no field {0!r} and no points to find their grids</source>
      <translation>GRID_FIELD：工单没有字段 {0!r}，也没有可确定网格的点位</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/classsweep_alg.py" line="160" />
      <source>Class {0}, {1} to {2}: {3} grids with cases</source>
      <translation>类案 {0}，{1} 至 {2}：{3} 个网格有案件</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="72" />
      <source>Hot areas and governance list</source>
      <translation>热区治理清单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="75" />
      <source>Merges touching hot grids into hot areas and ranks them for action (the governance list). A grid is hot when FIELD reaches THRESHOLD: by default gi_bin ≥ 2 of the Hot spots algorithm (95 % hot), or any density field (cnt_total, per_km2 ...) with your own threshold. Grids sharing a corner form one area.

For each area, from the ORDERS (placed orders with their grid; the usual class-case, date and hour filters apply): cnt_total, the class-case mix, the monthly trend (Mann-Kendall: rising, steady, falling), peak hours and days, the streets, communities and grids responsible, the repeat rate (is_repeat of Find repeats when the orders have it, otherwise repeats within 50 m and 7 days), and cur_cnt, prev_cnt and perc_chg for the last PERIOD against the one before.

score (0-100) = weighted mean of s_volume (count / largest count), s_trend (1 rising, 0.5 steady, 0 falling), s_change (-100 % → 0, +100 % → 1) and s_repeat (repeat rate / largest); SCORE_WEIGHTS tunes the weights, e.g. volume=0.4,trend=0.2,change=0.2,repeat=0.2. rank 1 is the area to act on first. OUTPUT_XLSX writes the list as a sheet (and a CSV next to it).

Example: INPUT the Hot spots layer of noise, FIELD gi_bin, THRESHOLD 2, ORDERS the placed orders, CATEGORIES noise.</source>
      <translation>把相邻的热网格合并为热区，并排序形成行动清单（治理清单）。FIELD 达到 THRESHOLD 的网格为热网格：默认为热点分析的 gi_bin ≥ 2（95 % 置信的热点），也可以用任一密度字段（cnt_total、per_km2 ……）加自定阈值。共点的网格合为一个热区。

对每个热区，根据 ORDERS（带所属网格的已落格工单；可用通常的类案、日期、时段筛选）计算：cnt_total、类案构成、月度趋势（Mann-Kendall：上升、平稳、下降）、高峰时段与高峰日、负责的街道、社区和网格、重复率（工单有重复工单的 is_repeat 时使用它，否则按 50 米、7 天内查找），以及最近一个 PERIOD 相对上一周期的 cur_cnt、prev_cnt 和 perc_chg。

score（0-100）= s_volume（件数 / 最大件数）、s_trend（上升 1、平稳 0.5、下降 0）、s_change（-100 % → 0，+100 % → 1）和 s_repeat（重复率 / 最大重复率）的加权平均；SCORE_WEIGHTS 调整权重，如 volume=0.4,trend=0.2,change=0.2,repeat=0.2。rank 1 为最先要处置的热区。OUTPUT_XLSX 把清单写成表格（旁边另有一份 CSV）。

示例：INPUT 噪声的热点图层，FIELD gi_bin，THRESHOLD 2，ORDERS 已落格工单，CATEGORIES noise。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="92" />
      <source>Grids with a hot-spot or density value</source>
      <translation>带热点或密度值的网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="93" />
      <source>Hot value field</source>
      <translation>热度字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="94" />
      <source>Hot when the value is at least</source>
      <translation>热的阈值（不低于）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="99" />
      <source>Change against the previous</source>
      <translation>与上一周期比较</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="100" />
      <source>Score weights</source>
      <translation>评分权重</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="101" />
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="104" />
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="116" />
      <source>Hot areas</source>
      <translation>热区</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="102" />
      <source>Governance list (XLSX or CSV)</source>
      <translation>治理清单（XLSX 或 CSV）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="113" />
      <source>{0} hot grids form {1} hot areas</source>
      <translation>{0} 个热网格组成 {1} 个热区</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="119" />
      <source>Governance list written: {0}</source>
      <translation>治理清单已写出：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/hotareas_alg.py" line="152" />
      <source>The orders have no is_repeat field: repeats within 50 m and 7 days are found now</source>
      <translation>工单没有 is_repeat 字段：现按 50 米、7 天内查找重复</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="55" />
      <source>{0}: {1!r} is not place=team</source>
      <translation>{0}：{1!r} 不是 点位=队伍 的格式</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="63" />
      <source>Coverage distance</source>
      <translation>覆盖距离</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="71" />
      <source>Patrol plan</source>
      <translation>巡查计划</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="74" />
      <source>Plans one street office's patrols. INPUT: candidate places (hot grids, hot areas, or all grids of the street). ORDERS: last period's placed orders of the class cases to target (the usual filters apply; DAYS before the latest order). For each shift in WINDOWS (e.g. 19:00-23:00;23:00-02:00) a place becomes a stop when orders happened there in those hours: the hottest places holding 80 % of the shift's orders, each with its expected incidents per day and a visiting window (the hours inside the shift that held half of them). TEAMS (the roster's patrol teams, filtered by STREET) start and end at START.

The stops are shared out so that each team's load (expected incidents) is within ±6 % of the mean and routes are short, and each route keeps the windows and the shift; the solver is OR-Tools' routing library (SOLVER auto or ortools) or a plain fallback that needs nothing (fallback). With ROADS routes follow the roads (shortest paths); otherwise straight lines. Same inputs, same plan. PINS (place=team;...) fixes a place to a team, DROPS (place,...) leaves places out: change them and run again to re-plan.

Outputs: stops (team, seq, arrive, depart, window, status: planned or dropped), route lines (length_m, load), and the schedule per team (XLSX and CSV, with a sheet measuring the plan: the share of the period's incidents within COVER_DISTANCE of a route in its shift, per km, against patrolling every place in code order and against random stops).

Example: INPUT the grids, STREET 440399001, ORDERS the placed orders, CATEGORIES noise, DAYS 90, TEAMS patrol_teams, START street_offices, WINDOWS 19:00-23:00;23:00-02:00, ROADS the roads.</source>
      <translation>为一个街道办规划巡查。INPUT：候选点位（热网格、热区，或该街道的全部网格）。ORDERS：上一时期要治理类案的已落格工单（可用通常的筛选；取最新工单之前 DAYS 天）。对 WINDOWS 中的每个班次（如 19:00-23:00;23:00-02:00），在这些时段内发生过工单的点位成为停靠点：取占该班次 80 % 工单的最热点位，每个点位带每日预期事件数和到访时间窗（班次内集中了一半事件的时段）。TEAMS（名册中的巡查队，按 STREET 筛选）从 START 出发并返回。

停靠点的分配使每队负荷（预期事件数）在平均值的 ±6 % 以内、路线较短，且每条路线遵守时间窗和班次；求解器为 OR-Tools 路径规划库（SOLVER 为 auto 或 ortools），或不依赖任何库的简易求解（fallback）。有 ROADS 时路线沿道路（最短路径），否则为直线。相同输入得到相同计划。PINS（点位=队伍;...）把点位固定给某队，DROPS（点位,...）排除点位：修改后再次运行即可重新规划。

输出：停靠点（team、seq、arrive、depart、window、status：planned 或 dropped）、路线（length_m、load），以及各队排班表（XLSX 和 CSV，另有一张评估表：班次内路线 COVER_DISTANCE 范围内覆盖的当期事件比例、每公里覆盖，并与按编码顺序巡查全部点位及随机停靠相比较）。

示例：INPUT 网格，STREET 440399001，ORDERS 已落格工单，CATEGORIES noise，DAYS 90，TEAMS patrol_teams，START street_offices，WINDOWS 19:00-23:00;23:00-02:00，ROADS 道路。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="94" />
      <source>Candidate places (hot grids or areas)</source>
      <translation>候选点位（热网格或热区）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="95" />
      <source>Place id field</source>
      <translation>点位编号字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="96" />
      <source>Place name field</source>
      <translation>点位名称字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="97" />
      <source>Street office (street code)</source>
      <translation>街道办（街道编码）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="100" />
      <source>Days of orders before the latest</source>
      <translation>取最新工单之前的天数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="101" />
      <source>Patrol teams (table)</source>
      <translation>巡查队（表）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="102" />
      <source>Start point (street office or police post)</source>
      <translation>出发点（街道办或警务站）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="103" />
      <source>Shifts</source>
      <translation>班次</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="104" />
      <source>Roads (optional)</source>
      <translation>道路（可选）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="105" />
      <source>Speed (km/h)</source>
      <translation>速度（公里/小时）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="106" />
      <source>Minutes at each stop</source>
      <translation>每个点位停留分钟数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="110" />
      <source>Solver</source>
      <translation>求解器</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="111" />
      <source>Fallback</source>
      <translation>简易求解</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="113" />
      <source>Pin places to teams (place=team;...)</source>
      <translation>点位固定给队伍（点位=队伍;...）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="114" />
      <source>Leave places out (place,...)</source>
      <translation>排除点位（点位,...）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="115" />
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="222" />
      <source>Patrol stops</source>
      <translation>巡查点位</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="116" />
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="223" />
      <source>Patrol routes</source>
      <translation>巡查路线</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="117" />
      <source>Schedule (XLSX or CSV)</source>
      <translation>排班表（XLSX 或 CSV）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="120" />
      <source>Largest over smallest team load</source>
      <translation>队伍负荷最大/最小比</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="121" />
      <source>Plan: share of incidents covered per km</source>
      <translation>计划：每公里覆盖事件比例</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="122" />
      <source>Code-order baseline: share per km</source>
      <translation>按编码顺序基线：每公里比例</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="123" />
      <source>Random baseline: share per km</source>
      <translation>随机点位基线：每公里比例</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="140" />
      <source>Schedule written: {0}</source>
      <translation>排班表已写出：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="166" />
      <source>ID_FIELD: place {0!r} appears twice</source>
      <translation>ID_FIELD：点位 {0!r} 出现两次</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="177" />
      <source>TEAMS: the table has no field {0!r}</source>
      <translation>TEAMS：表中没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="190" />
      <source>START: no start point with a geometry</source>
      <translation>START：没有带几何的出发点</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="199" />
      <source>ORDERS: a time field is needed (TIME_FIELD) to know when incidents happen</source>
      <translation>ORDERS：需要时间字段（TIME_FIELD）才能知道事件发生时间</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="203" />
      <source>ORDERS: no order with a time passes the filter</source>
      <translation>ORDERS：没有带时间的工单通过筛选</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="209" />
      <source>{0} orders of the last {1} days up to {2}</source>
      <translation>截至 {2} 最近 {1} 天的 {0} 条工单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="237" />
      <source>Solver {0}: {1} stops planned, {2} dropped; team loads max/min {3:.2f}</source>
      <translation>求解器 {0}：计划 {1} 个点位，放弃 {2} 个；队伍负荷最大/最小 {3:.2f}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="245" />
      <source>{0}: {1:.1%} of {2} incidents covered, {3:.1f} km, {4:.4f} per km</source>
      <translation>{0}：覆盖 {2} 个事件的 {1:.1%}，{3:.1f} 公里，每公里 {4:.4f}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/governance/patrolplan_alg.py" line="277" />
      <source>{0}: nothing with street_code {1!r}</source>
      <translation>{0}：没有 street_code 为 {1!r} 的要素</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="35" />
      <source>Build regular grid</source>
      <translation>生成规则网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="38" />
      <source>Covers an extent, or boundary polygons (communities, streets), with square or hexagon cells of a given size, clipped to the boundaries. Each cell is coded: the boundary's code (CODE_FIELD) or CODE_PREFIX, plus a sequence numbered west to east, north to south (DB11/T 2157 style). Pieces smaller than MIN_FRACTION of a full cell join their neighbour.

INPUT: boundary polygons (optional). EXTENT: used when there is no INPUT. TYPE: square or hexagon. SIZE: cell size in metres (hexagons: distance between opposite edges). CODE_PREFIX, CODE_FIELD, DIGITS: how codes are built.

Example: communities with a 12-digit community_code, SIZE=250, DIGITS=3 give 15-digit grid codes.</source>
      <translation>用给定边长的正方形或六边形网格覆盖一个范围或边界面（社区、街道），并按边界裁剪。每个网格的编码为边界编码（CODE_FIELD）或 CODE_PREFIX，加上自西向东、自北向南的序号（DB11/T 2157 方式）。小于整格 MIN_FRACTION 的碎片并入相邻网格。

INPUT：边界面（可选）。EXTENT：无 INPUT 时使用。TYPE：正方形或六边形。SIZE：网格边长（米；六边形为对边距离）。CODE_PREFIX、CODE_FIELD、DIGITS：编码的构成方式。

示例：社区带 12 位 community_code，SIZE=250、DIGITS=3，得到 15 位网格编码。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="49" />
      <source>Boundary polygons</source>
      <translation>边界面</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="50" />
      <source>Extent (when there are no boundaries)</source>
      <translation>范围（无边界时）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="51" />
      <source>Cell type</source>
      <translation>网格形状</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="51" />
      <source>Square</source>
      <translation>正方形</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="51" />
      <source>Hexagon</source>
      <translation>六边形</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="52" />
      <source>Cell size (m)</source>
      <translation>网格边长（米）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="53" />
      <source>Code prefix</source>
      <translation>编码前缀</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="54" />
      <source>Boundary code field (prefix per boundary)</source>
      <translation>边界编码字段（每个边界的前缀）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="55" />
      <source>Sequence digits</source>
      <translation>序号位数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="56" />
      <source>Smallest piece kept (share of a cell)</source>
      <translation>保留的最小碎片（占整格比例）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="66" />
      <source>The boundary layer</source>
      <translation>边界图层</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="74" />
      <source>{0} cells</source>
      <translation>{0} 个网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="83" />
      <source>Give boundary polygons or an extent</source>
      <translation>请提供边界面或范围</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/buildgrid_alg.py" line="86" />
      <source>The extent is in a geographic CRS; use a projected CRS in metres</source>
      <translation>范围为地理坐标系；请使用以米为单位的投影坐标系</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="33" />
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="33" />
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="52" />
      <source>Code field</source>
      <translation>编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="34" />
      <source>Name field</source>
      <translation>名称字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="35" />
      <source>Parent code field</source>
      <translation>上级编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="36" />
      <source>Manager field</source>
      <translation>网格员字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="37" />
      <source>Phone field</source>
      <translation>电话字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="39" />
      <source>Priority field</source>
      <translation>优先级字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="58" />
      <source>Import grid layer</source>
      <translation>导入网格图层</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="61" />
      <source>Reads a grid layer from any QGIS source (GeoPackage, Shapefile, GeoJSON, PostGIS ...) and writes it with the standard fields: code, name, level, parent_code, manager, phone, households, priority, plus import_status and problem for every row (nothing is dropped). Fields left empty are guessed from their names (e.g. WGBM / 网格编码 / grid_id for the code; 网格员 / manager; 户数 / households). Codes are cleaned (full-width digits, spaces, Excel's 4.4e14). Without a parent field, a grid's parent is read from its code. TARGET_CRS reprojects (empty: keep the layer's CRS).

Example: INPUT a Shapefile of grids with fields WGBM and WGY, LEVEL grid, TARGET_CRS EPSG:4547.</source>
      <translation>从任意 QGIS 数据源（GeoPackage、Shapefile、GeoJSON、PostGIS ……）读取网格图层，并按标准字段写出：code、name、level、parent_code、manager、phone、households、priority，以及每行的 import_status 和 problem（不丢弃任何行）。未指定的字段按字段名推断（如编码取 WGBM / 网格编码 / grid_id；网格员 / manager；户数 / households）。编码会被清理（全角数字、空格、Excel 的 4.4e14）。没有上级字段时，从网格编码推出上级。TARGET_CRS 用于重投影（为空：保持图层坐标系）。

示例：INPUT 带 WGBM、WGY 字段的网格 Shapefile，LEVEL 网格，TARGET_CRS EPSG:4547。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="71" />
      <source>Grid layer</source>
      <translation>网格图层</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="72" />
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="53" />
      <source>Level</source>
      <translation>层级</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="74" />
      <source>Reproject to</source>
      <translation>重投影到</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="75" />
      <source>Imported grids</source>
      <translation>已导入网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="77" />
      <source>Rows with a problem</source>
      <translation>有问题的行</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="87" />
      <source>The grid layer has no field {0} (fields: {1})</source>
      <translation>网格图层没有字段 {0}（现有字段：{1}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="92" />
      <source>No code field: choose the field that holds the grid codes</source>
      <translation>没有编码字段：请选择存放网格编码的字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="95" />
      <source>{0} rows imported, {1} with a problem</source>
      <translation>导入 {0} 行，其中 {1} 行有问题</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="104" />
      <source>chosen</source>
      <translation>已选择</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="104" />
      <source>guessed</source>
      <translation>推断</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/importgrids_alg.py" line="123" />
      <source>... and {0} more rows with a problem</source>
      <translation>……另有 {0} 行有问题</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="22" />
      <source>Renumber grids</source>
      <translation>网格重新编码</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="25" />
      <source>Gives each grid a new code: its community's 12-digit code (COMMUNITY_FIELD) plus a sequence numbered west to east, north to south inside the community, as CJ/T 213 (14 digits, 2-digit sequence) or DB11/T 2157 (15 digits, 3-digit sequence) require. The old code is kept in old_code.

Example: INPUT the grids, COMMUNITY_FIELD community_code, FORMAT 15 digits.</source>
      <translation>为每个网格重新编码：所在社区的 12 位编码（COMMUNITY_FIELD）加上社区内自西向东、自北向南的序号，符合 CJ/T 213（14 位，2 位序号）或 DB11/T 2157（15 位，3 位序号）的要求。原编码保留在 old_code 中。

示例：INPUT 网格，COMMUNITY_FIELD community_code，FORMAT 15 位。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="34" />
      <source>Community code field</source>
      <translation>社区编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="37" />
      <source>Code format</source>
      <translation>编码格式</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="38" />
      <source>15 digits (DB11/T 2157)</source>
      <translation>15 位（DB11/T 2157）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="38" />
      <source>14 digits (CJ/T 213)</source>
      <translation>14 位（CJ/T 213）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="40" />
      <source>Renumbered grids</source>
      <translation>重新编码的网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="53" />
      <source>{0} of {1} codes changed</source>
      <translation>{1} 个编码中 {0} 个已改变</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="66" />
      <source>Rows {0}: field {1} is not a 12-digit community code</source>
      <translation>第 {0} 行：字段 {1} 不是 12 位社区编码</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/renumbergrids_alg.py" line="71" />
      <source>{0} grids have no geometry; they cannot be placed in the numbering</source>
      <translation>{0} 个网格没有几何，无法参与编号</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="22" />
      <source>Split into micro-grids</source>
      <translation>划分微网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="25" />
      <source>Splits each grid (or community) into micro-grids of about TARGET households each: compact pieces, never cutting a building, following roads where a road runs the right way. Each micro-grid is coded with its grid's code plus a 3-digit sequence numbered west to east, north to south.

INPUT: grid polygons; CODE_FIELD: their code. HOUSEHOLDS: building points (optional) with WEIGHT_FIELD households each (1 per point without it); without points, TARGET is an area in m². ROADS: road centrelines (optional). MIN_PARTS / MAX_PARTS bound the micro-grids per grid.

Outputs: the micro-grids (micro_code, grid_code, households, area_m2, compactness, weight_basis) and EVENNESS_MAX, the largest max/min households ratio inside one grid.

Example: INPUT the grids, CODE_FIELD grid_code, HOUSEHOLDS the buildings, WEIGHT_FIELD households, TARGET 100, ROADS the roads.</source>
      <translation>把每个网格（或社区）划分为每个约 TARGET 户的微网格：形状紧凑，不切断楼栋，道路走向合适时沿道路划分。每个微网格的编码为所属网格编码加 3 位序号，自西向东、自北向南编号。

INPUT：网格面；CODE_FIELD：网格编码。HOUSEHOLDS：楼栋点（可选），每点户数取 WEIGHT_FIELD（无此字段时每点 1 户）；没有点时 TARGET 为面积（平方米）。ROADS：道路中心线（可选）。MIN_PARTS / MAX_PARTS 限定每个网格的微网格数。

输出：微网格（micro_code、grid_code、households、area_m2、compactness、weight_basis）以及 EVENNESS_MAX，即单个网格内户数最大/最小比的最大值。

示例：INPUT 网格，CODE_FIELD grid_code，HOUSEHOLDS 楼栋，WEIGHT_FIELD households，TARGET 100，ROADS 道路。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="38" />
      <source>Grids (or communities) to split</source>
      <translation>待划分的网格（或社区）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="42" />
      <source>Household points (buildings)</source>
      <translation>住户点（楼栋）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="46" />
      <source>Households per point</source>
      <translation>每点户数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="48" />
      <source>Target households per micro-grid (m² without household points)</source>
      <translation>每个微网格目标户数（无住户点时为平方米）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="50" />
      <source>Roads to follow</source>
      <translation>参照的道路</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="51" />
      <source>Fewest micro-grids per grid</source>
      <translation>每个网格最少微网格数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="52" />
      <source>Most micro-grids per grid</source>
      <translation>每个网格最多微网格数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="56" />
      <source>Largest max/min households ratio in a grid</source>
      <translation>网格内户数最大/最小比的最大值</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="57" />
      <source>Median max/min households ratio</source>
      <translation>户数最大/最小比的中位数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="58" />
      <source>Number of micro-grids</source>
      <translation>微网格数量</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="65" />
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="115" />
      <source>The grid layer</source>
      <translation>网格图层</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="79" />
      <source>{0} micro-grids in {1} grids; max/min {2} per grid: median {3:.2f}, worst {4:.2f}</source>
      <translation>{1} 个网格划分出 {0} 个微网格；每网格户数最大/最小{2}：中位数 {3:.2f}，最差 {4:.2f}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/splitmicrogrids_alg.py" line="97" />
      <source>Grid feature {0} has no geometry and is skipped</source>
      <translation>网格要素 {0} 没有几何，已跳过</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="34" />
      <source>Validate grids</source>
      <translation>网格质检</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="37" />
      <source>Checks one level of grids and writes an error layer (error_type, grid_code, detail, area_m2) styled by error type, plus a summary.

Errors: gap and overlap between grids of the level (larger than MIN_AREA m²); sliver (mean width 2·area/perimeter under SLIVER_WIDTH m); invalid_geometry (REPAIR makes it valid and checks the repaired shape); outside_parent (more than TOLERANCE m outside the parent); duplicate_code; bad_code (not the level's format: 14/15-digit grid codes, 17/18-digit micro-grid codes, 440399Z01001-style dedicated codes); orphan (parent code not in PARENT). Dedicated grids may overlap unless their PRIORITY_FIELD is equal. COVERAGE_PCT: share of the parent layer (or of the grids' own outline) that grids cover.

The parent code is PARENT_FIELD of a grid, or read from its own code (first 12 digits of a grid code, all but the last 3 of a micro-grid code).

Example: INPUT the micro-grids, LEVEL micro-grid, PARENT the grids, PARENT_CODE_FIELD grid_code.</source>
      <translation>检查某一层级的网格，写出按错误类型配好样式的错误图层（error_type、grid_code、detail、area_m2）以及摘要。

错误类型：同层网格之间的缝隙和重叠（大于 MIN_AREA 平方米）；狭长面（平均宽度 2·面积/周长小于 SLIVER_WIDTH 米）；无效几何 invalid_geometry（REPAIR 会修复并检查修复后的形状）；超出上级 outside_parent（超出上级 TOLERANCE 米以上）；重复编码 duplicate_code；编码格式错误 bad_code（不符合该层级格式：网格 14/15 位、微网格 17/18 位、专属网格 440399Z01001 式）；孤立网格 orphan（上级编码不在 PARENT 中）。专属网格可以重叠，除非其 PRIORITY_FIELD 相同。COVERAGE_PCT：网格覆盖上级图层（或网格自身外轮廓）的比例。

上级编码取网格的 PARENT_FIELD，或从其编码推出（网格编码的前 12 位，微网格编码去掉最后 3 位）。

示例：INPUT 微网格，LEVEL 微网格，PARENT 网格，PARENT_CODE_FIELD grid_code。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="51" />
      <source>Grids to check</source>
      <translation>待检查的网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="53" />
      <source>Guess from the codes</source>
      <translation>根据编码推断</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="54" />
      <source>Parent level (optional)</source>
      <translation>上级层级（可选）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="55" />
      <source>Parent's code field</source>
      <translation>上级编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="56" />
      <source>Field of the grid naming its parent</source>
      <translation>网格中记录上级编码的字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="57" />
      <source>Priority field (dedicated grids)</source>
      <translation>优先级字段（专属网格）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="58" />
      <source>Tolerance outside the parent (m)</source>
      <translation>超出上级的容差（米）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="59" />
      <source>Smallest gap or overlap reported (m²)</source>
      <translation>报告的最小缝隙或重叠（平方米）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="60" />
      <source>Sliver below mean width (m)</source>
      <translation>狭长面平均宽度阈值（米）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="61" />
      <source>Repair invalid geometries</source>
      <translation>修复无效几何</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="62" />
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="93" />
      <source>Grid errors</source>
      <translation>网格错误</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="65" />
      <source>Repaired grids</source>
      <translation>修复后的网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="71" />
      <source>Summary (JSON)</source>
      <translation>摘要（JSON）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="71" />
      <source>JSON (*.json)</source>
      <translation>JSON 文件 (*.json)</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="75" />
      <source>Number of errors</source>
      <translation>错误数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="76" />
      <source>Coverage of the jurisdiction (%)</source>
      <translation>辖区覆盖率（%）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="77" />
      <source>Summary</source>
      <translation>摘要</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="85" />
      <source>Checking {0} grids</source>
      <translation>正在检查 {0} 个网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="130" />
      <source>Choose the parent layer's code field</source>
      <translation>请选择上级图层的编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="132" />
      <source>Reprojecting the parent layer to the grids' CRS</source>
      <translation>正在把上级图层重投影到网格坐标系</translation>
    </message>
    <message>
      <location filename="../../layers/processing/grids/validategrids_alg.py" line="155" />
      <source>Level: {0}; {1} errors; coverage {2}%</source>
      <translation>层级：{0}；{1} 个错误；覆盖率 {2}%</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="43" />
      <source>posts whose time could not be read</source>
      <translation>条帖子的时间无法读取</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="44" />
      <source>posts whose geotag was unusable</source>
      <translation>条帖子的定位无法使用</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="48" />
      <source>{0} {1}, first row {2}: {3}</source>
      <translation>{0} {1}，第一条为第 {2} 行：{3}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="62" />
      <source>Roads (named centrelines)</source>
      <translation>道路（带名称的中心线）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="63" />
      <source>Road name field</source>
      <translation>道路名称字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="64" />
      <source>Gazetteer (points: standard addresses, estates)</source>
      <translation>地址库（点：标准地址、小区）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="65" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="156" />
      <source>Gazetteer address field</source>
      <translation>地址库地址字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="66" />
      <source>Gazetteer estate / place name field</source>
      <translation>地址库小区/地名字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="81" />
      <source>{0} has no field {1!r}</source>
      <translation>{0} 没有字段 {1!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="82" />
      <source>estates</source>
      <translation>小区</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="83" />
      <source>landmarks</source>
      <translation>地标</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="86" />
      <source>No field {0!r} for the names of {1}: they are not looked for</source>
      <translation>没有字段 {0!r} 记录{1}的名称：不查找它们</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="114" />
      <source>Internet clues to grids</source>
      <translation>网络线索落格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="116" />
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="49" />
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="33" />
      <source>Work orders</source>
      <translation>工单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="117" />
      <source>未诉先办: reads internet posts (a layer, or a CSV / XLSX / JSON file) and writes every post once, with clue_status: new_case (a problem nobody reported yet: file it), duplicate_of (the same class within DISTANCE metres and DAYS days of an existing order or of an earlier post: case_id names that case), unplaced (a problem whose place cannot be told: candidates lists the grids along the roads it names) or not_a_case. dup_distance_m and dup_days: how far from the case's report and how many days after it (negative: the post came first).

Place: the names the text gives are matched against the map's own: ROADS (and their crossings: 'X与Y交叉口', 'X和Y路口'), the GAZETTEER's addresses (road + house number) and estates (with a building number), the DEDICATED grids' names (landmarks), with near-misses for typos. A geotag (X_FIELD / Y_FIELD in the system of COORD_SYS_FIELD: gcj02 from AMap / Tencent apps, bd09 from Baidu) is used where it agrees with the named place, or alone; evidence says which words matched what, place_confidence how sure the place is.

Class: the catalogue's keywords, and the learned model trained on the EXISTING orders' texts and classes when they have them. Responsible unit and person as Geolocate gives them (GRIDS, MICROGRIDS, DEDICATED, ROSTER).

Example: demo city: INPUT_FILE the posts (or the posts table), GRIDS grids, MICROGRIDS microgrids, DEDICATED dedicated_grids, ROADS roads, GAZETTEER addresses, ROSTER roster, EXISTING the placed orders, DISTANCE 300, DAYS 7.</source>
      <translation>未诉先办：读入网络帖子（图层，或 CSV / XLSX / JSON 文件），每条帖子输出一次，clue_status 为：new_case（尚无人反映的问题：应立案）、duplicate_of（与已有工单或更早帖子同类、相距 DISTANCE 米与 DAYS 天以内：case_id 指明该案件）、unplaced（无法确定地点的问题：candidates 列出其提到的道路经过的网格）或 not_a_case（非案件）。dup_distance_m 和 dup_days：与该案件上报位置的距离及其后的天数（负数：帖子在先）。

定位：文本中的地名与地图自身的名称匹配：ROADS 道路（及其交叉口：“X与Y交叉口”“X和Y路口”）、GAZETTEER 地址库的地址（路名+门牌号）和小区（含楼栋号）、DEDICATED 专属网格名称（地标），并容忍错别字（近似匹配）。帖子定位（X_FIELD / Y_FIELD，坐标系见 COORD_SYS_FIELD：高德、腾讯系应用为 gcj02，百度为 bd09）与所提地点一致或单独存在时采用；evidence 说明哪些词匹配了什么，place_confidence 表示定位的把握。

分类：类案目录关键词；EXISTING 已有工单带文本和类案时，再用其训练的学习模型。责任单位和责任人与工单落格相同（GRIDS、MICROGRIDS、DEDICATED、ROSTER）。

示例：示范城区：INPUT_FILE 帖子文件（或帖子表），GRIDS 网格，MICROGRIDS 微网格，DEDICATED 专属网格，ROADS 道路，GAZETTEER 地址库，ROSTER 名册，EXISTING 已落格工单，DISTANCE 300，DAYS 7。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="137" />
      <source>Posts (table or layer)</source>
      <translation>帖子（表或图层）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="141" />
      <source>Geotag longitude field</source>
      <translation>定位经度字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="142" />
      <source>Geotag latitude field</source>
      <translation>定位纬度字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="143" />
      <source>Geotag coordinate system field (per row)</source>
      <translation>定位坐标系字段（逐行）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="144" />
      <source>Geotag coordinate system of all rows (gcj02, bd09, wgs84, EPSG:n)</source>
      <translation>所有行的定位坐标系（gcj02、bd09、wgs84、EPSG:n）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="148" />
      <source>Existing orders or cases (points)</source>
      <translation>已有工单或案件（点）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="149" />
      <source>Existing: class case field</source>
      <translation>已有工单：类案字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="150" />
      <source>Existing: time field</source>
      <translation>已有工单：时间字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="151" />
      <source>Existing: text field</source>
      <translation>已有工单：文本字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="152" />
      <source>Existing: case or order id field</source>
      <translation>已有工单：案件或工单编号字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="153" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="157" />
      <source>Roster (grid managers)</source>
      <translation>网格员名册</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="154" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="159" />
      <source>Class-case table (class_code, case_group)</source>
      <translation>类案表（class_code、case_group）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="155" />
      <source>Duplicate distance (metres)</source>
      <translation>重复判定距离（米）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="156" />
      <source>Duplicate window (days)</source>
      <translation>重复判定时间窗（天）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="160" />
      <source>Model probability of no case from which a post is not a case (0-1)</source>
      <translation>模型判为非案件的概率达到此值即为非案件（0-1）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="169" />
      <source>Duplicates: least model probability of an order's class for the post (0-1)</source>
      <translation>重复判定：帖子属于工单类案的最低模型概率（0-1）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="175" />
      <source>Geotag agreement distance (metres)</source>
      <translation>定位一致距离（米）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="176" />
      <source>Nearest-grid tolerance (metres)</source>
      <translation>最近网格容差（米）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="177" />
      <source>Prefix of new case ids</source>
      <translation>新案件编号前缀</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="178" />
      <source>Clues</source>
      <translation>网络线索</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="181" />
      <source>Posts read</source>
      <translation>读入帖子数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="182" />
      <source>Posts written</source>
      <translation>写出帖子数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="183" />
      <source>New cases</source>
      <translation>新立案</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="184" />
      <source>Duplicates</source>
      <translation>重复</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="185" />
      <source>Unplaced</source>
      <translation>无法定位</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="186" />
      <source>Not a case</source>
      <translation>非案件</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="200" />
      <source>{0} place names, {1} addresses</source>
      <translation>{0} 个地名，{1} 个地址</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="232" />
      <source>The posts' own points are their geotags ({0})</source>
      <translation>帖子图层自身的点即其定位（{0}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="236" />
      <source>{0}: the posts have no field {1!r} (fields: {2})</source>
      <translation>{0}：帖子没有字段 {1!r}（字段：{2}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="244" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="258" />
      <source>COORD_SYS: {0}</source>
      <translation>坐标系 COORD_SYS：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="257" />
      <source>{0}: EXISTING has no field {1!r} (fields: {2})</source>
      <translation>{0}：EXISTING 没有字段 {1!r}（字段：{2}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="263" />
      <source>EXISTING has no text field {0!r}: the posts are classified by the catalogue's keywords only</source>
      <translation>EXISTING 没有文本字段 {0!r}：只按类案目录关键词给帖子分类</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="280" />
      <source>Internet clues</source>
      <translation>网络线索</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/clues_alg.py" line="283" />
      <source>{0} posts: {1} new cases, {2} duplicates, {3} unplaced, {4} not a case</source>
      <translation>{0} 条帖子：新立案 {1}，重复 {2}，无法定位 {3}，非案件 {4}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="33" />
      <source>…or a file (CSV, XLSX, Open311 JSON)</source>
      <translation>…或文件（CSV、XLSX、Open311 JSON）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="34" />
      <source>Tables (*.csv *.txt *.xlsx *.xls *.json);;All files (*.*)</source>
      <translation>表格 (*.csv *.txt *.xlsx *.xls *.json);;所有文件 (*.*)</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="47" />
      <source>Convert coordinates (WGS84/GCJ-02/BD-09/CGCS2000)</source>
      <translation>坐标转换（WGS84/GCJ-02/BD-09/CGCS2000）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="50" />
      <source>Converts points or X/Y columns between wgs84, gcj02 (AMap, Tencent), bd09 (Baidu), cgcs2000 and any EPSG:n (e.g. EPSG:4547, CGCS2000 3-degree Gauss-Krüger 114°E). PROJ has no GCJ-02 or BD-09; the published algorithm is applied (inverse exact to 1e-9°), only inside China's box. FROM applies to all rows; COORD_SYS_FIELD gives it per row. Every row is written, with x_out, y_out and a problem text where the input could not be converted (empty, not a number, latitude beyond ±90, unknown system). GCJ-02 and BD-09 outputs are written as EPSG:4326 layers: QGIS has no CRS for them, so mark such layers clearly.

Example: FROM gcj02, TO EPSG:4547 for orders exported from an AMap-based app.</source>
      <translation>在 wgs84、gcj02（高德、腾讯）、bd09（百度）、cgcs2000 与任意 EPSG:n（如 EPSG:4547，CGCS2000 3 度带高斯-克吕格 东经 114°）之间转换点或 X/Y 列。PROJ 不支持 GCJ-02 和 BD-09，这里采用公开算法（逆变换精确到 1e-9°），且只在中国范围内生效。FROM 适用于所有行；COORD_SYS_FIELD 逐行指定。每一行都会写出，带 x_out、y_out，无法转换时（为空、不是数字、纬度超出 ±90、未知坐标系）写出 problem 说明。GCJ-02 和 BD-09 输出写为 EPSG:4326 图层：QGIS 没有对应的坐标系，请清楚标注这类图层。

示例：从基于高德的应用导出的工单，FROM gcj02，TO EPSG:4547。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="60" />
      <source>Points or table</source>
      <translation>点或表格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="62" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="57" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="57" />
      <source>X / longitude field</source>
      <translation>X / 经度字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="63" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="58" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="58" />
      <source>Y / latitude field</source>
      <translation>Y / 纬度字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="64" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="59" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="59" />
      <source>Coordinate system field (per row)</source>
      <translation>坐标系字段（逐行）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="65" />
      <source>From (wgs84, gcj02, bd09, cgcs2000, EPSG:n)</source>
      <translation>源坐标系（wgs84、gcj02、bd09、cgcs2000、EPSG:n）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="66" />
      <source>To (wgs84, gcj02, bd09, cgcs2000, EPSG:n)</source>
      <translation>目标坐标系（wgs84、gcj02、bd09、cgcs2000、EPSG:n）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="67" />
      <source>Converted points</source>
      <translation>转换后的点</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="69" />
      <source>Rows not converted</source>
      <translation>未转换的行</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="80" />
      <source>Converted ({0})</source>
      <translation>已转换（{0}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="97" />
      <source>Choose X_FIELD and Y_FIELD (no coordinate columns recognised)</source>
      <translation>请选择 X_FIELD 与 Y_FIELD（未识别到坐标列）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="117" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="314" />
      <source>row {0}: {1}</source>
      <translation>第 {0} 行：{1}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/convertcoords_alg.py" line="118" />
      <source>{0} rows converted to {1}, {2} not</source>
      <translation>{0} 行已转换为 {1}，{2} 行未转换</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="26" />
      <source>Distance</source>
      <translation>距离</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="31" />
      <source>Find repeat orders</source>
      <translation>重复工单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="34" />
      <source>Groups orders of the same class case reported again at the same place into one case. Orders are taken in time order; an order joins an open case of its class when it lies within DISTANCE metres of the case's first report and within DAYS days of its latest report (the nearest such case), otherwise it opens a new case. Adds case_id, repeat_count (orders in the case), first_seen and is_repeat to every row; rows without a position or a readable time get an empty case_id and a problem text. With GRID_FIELD, RATES lists per grid the orders, cases, repeat orders and repeat_rate.

Example: INPUT the placed orders of Geolocate, CATEGORY_FIELD class_code, TIME_FIELD reported_at, DISTANCE 50, DAYS 7, GRID_FIELD grid_code.</source>
      <translation>把同一地点再次上报的同类案工单归为一个案件。工单按时间顺序处理：若一条工单距某个同类未结案件首报位置 DISTANCE 米以内、且距其最近一次上报 DAYS 天以内，则并入（取最近的案件），否则新开一个案件。为每行添加 case_id、repeat_count（案件中的工单数）、first_seen 和 is_repeat；无位置或时间无法读取的行 case_id 为空并附 problem 说明。有 GRID_FIELD 时，RATES 按网格列出工单数、案件数、重复工单数和 repeat_rate。

示例：INPUT 工单落格的输出，CATEGORY_FIELD class_code，TIME_FIELD reported_at，DISTANCE 50，DAYS 7，GRID_FIELD grid_code。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="45" />
      <source>Placed orders (points)</source>
      <translation>已落格工单（点）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="49" />
      <source>Days</source>
      <translation>天数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="50" />
      <source>Grid field (for repeat rates)</source>
      <translation>网格字段（用于重复率）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="54" />
      <source>Cases</source>
      <translation>案件数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/findrepeats_alg.py" line="81" />
      <source>{0} orders form {1} cases; {2} orders could not be checked</source>
      <translation>{0} 条工单归为 {1} 个案件；{2} 条工单无法判断</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="60" />
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="60" />
      <source>Address field</source>
      <translation>地址字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="70" />
      <source>Inspector coverage</source>
      <translation>巡查员覆盖情况</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="85" />
      <source>Dispatch table</source>
      <translation>派单表</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="96" />
      <source>Geolocate orders to grids</source>
      <translation>工单落格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="99" />
      <source>Places every work order (or inspection report) in the unit responsible for it and writes every input row exactly once, with grid_code, micro_code, dedicated_code, community_code, street_code, the responsible unit (resp_level, resp_code, responsible, resp_phone, team_id, street_office), match_method, on_boundary, overlap, distance_m and a problem text.

Orders: a layer (points, or a table with X_FIELD / Y_FIELD) or a file in INPUT_FILE (CSV in UTF-8, UTF-8 with BOM or GBK/GB18030, XLSX, Open311 GeoReport v2 JSON). COORD_SYS is wgs84, gcj02, bd09, cgcs2000 or EPSG:n for all rows; COORD_SYS_FIELD gives it per row. Rows without coordinates are matched by ADDRESS_FIELD against the GAZETTEER (exact, normalised, fuzzy ≥ ADDRESS_THRESHOLD); below it they are 'unlocated' with the best candidates listed.

Responsibility: the dedicated grid of highest priority (lowest PRIORITY_FIELD) that takes the order's class case (CASES_FIELD lists case groups or class codes; empty = all), else the micro-grid, grid, community, street. A point on an edge shared by grids goes to the grid holding the point moved 1 mm east and 0.5 mm north (then the lowest code) and is flagged on_boundary. A point inside overlapping grids (a data error) goes to the lowest code among the grids holding it in their interior, codes of digits compared as numbers; overlap names the grids and the problem points at Validate grids. Outside every grid but within TOLERANCE metres: the nearest grid (match_method nearest). Further: unassigned, with distance_m. No usable position: invalid, and the problem names the field.

Inspection reports: set OWN_GRID_FIELD (the inspector's own grid) to flag outside_own, and INSPECTOR_FIELD to write each inspector's coverage of their grid to COVERAGE.

DISPATCH writes the dispatch table per responsible unit (.xlsx or .csv).

Example: demo city orders: INPUT orders, X_FIELD x, Y_FIELD y, COORD_SYS_FIELD coord_sys, ADDRESS_FIELD address, CATEGORY_FIELD class_code, GRIDS grids, MICROGRIDS microgrids, DEDICATED dedicated_grids, GAZETTEER addresses, ROSTER roster.</source>
      <translation>把每条工单（或巡查上报）落到负责它的单元，每个输入行恰好写出一次，带 grid_code、micro_code、dedicated_code、community_code、street_code、责任单元（resp_level、resp_code、responsible、resp_phone、team_id、street_office）、match_method、on_boundary、overlap、distance_m 和 problem 说明。

工单：图层（点，或带 X_FIELD / Y_FIELD 的表格），或 INPUT_FILE 中的文件（UTF-8、带 BOM 的 UTF-8 或 GBK/GB18030 编码的 CSV，XLSX，Open311 GeoReport v2 JSON）。COORD_SYS 为所有行的坐标系：wgs84、gcj02、bd09、cgcs2000 或 EPSG:n；COORD_SYS_FIELD 逐行指定。没有坐标的行用 ADDRESS_FIELD 与地址库（GAZETTEER）匹配（精确、规范化、模糊 ≥ ADDRESS_THRESHOLD）；低于阈值者标为 unlocated 并列出最佳候选。

责任：受理该类案（CASES_FIELD 列出类案组或类案编码；为空表示全部）且优先级最高（PRIORITY_FIELD 最小）的专属网格，否则依次为微网格、网格、社区、街道。位于网格共享边上的点，归属于把该点向东移 1 毫米、向北移 0.5 毫米后所在的网格（再按编码最小），并标记 on_boundary。位于相互重叠的网格内的点（数据错误）归属于内部包含该点的网格中编码最小者，纯数字编码按数值比较；overlap 列出这些网格，problem 提示用“网格质检”检查。不在任何网格内但在 TOLERANCE 米以内：归最近的网格（match_method 为 nearest）。更远：unassigned，并给出 distance_m。没有可用位置：invalid，problem 指出是哪个字段。

巡查上报：设置 OWN_GRID_FIELD（巡查员所属网格）以标记 outside_own，设置 INSPECTOR_FIELD 以把每位巡查员对其网格的覆盖情况写入 COVERAGE。

DISPATCH 按责任单元写出派单表（.xlsx 或 .csv）。

示例：示范城区工单：INPUT orders，X_FIELD x，Y_FIELD y，COORD_SYS_FIELD coord_sys，ADDRESS_FIELD address，CATEGORY_FIELD class_code，GRIDS grids，MICROGRIDS microgrids，DEDICATED dedicated_grids，GAZETTEER addresses，ROSTER roster。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="129" />
      <source>Coordinate system of all rows (wgs84, gcj02, bd09, cgcs2000, EPSG:n)</source>
      <translation>所有行的坐标系（wgs84、gcj02、bd09、cgcs2000、EPSG:n）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="133" />
      <source>Micro-grid field holding its grid's code</source>
      <translation>微网格所属网格编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="141" />
      <source>Dedicated grid priority field (1 = highest)</source>
      <translation>专属网格优先级字段（1 = 最高）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="149" />
      <source>Dedicated grid class cases field</source>
      <translation>专属网格类案字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="155" />
      <source>Gazetteer of standard addresses (points)</source>
      <translation>标准地址库（点）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="162" />
      <source>Nearest-grid tolerance (metres, whatever the grids' CRS)</source>
      <translation>就近网格容差（米，与网格坐标系无关）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="165" />
      <source>Address match threshold (0-1)</source>
      <translation>地址匹配阈值（0-1）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="168" />
      <source>Inspection reports: inspector's own grid field</source>
      <translation>巡查上报：巡查员所属网格字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="169" />
      <source>Inspection reports: inspector field</source>
      <translation>巡查上报：巡查员字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="175" />
      <source>Rows read</source>
      <translation>读取行数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="176" />
      <source>Rows written</source>
      <translation>写出行数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="177" />
      <source>Rows placed</source>
      <translation>落格行数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="178" />
      <source>Rows not placed</source>
      <translation>未落格行数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="235" />
      <source>coordinate system of all rows: {0}</source>
      <translation>所有行的坐标系：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="266" />
      <source>GRIDS is required</source>
      <translation>必须提供 GRIDS</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="269" />
      <source>The grid layer has no CRS</source>
      <translation>网格图层没有坐标系</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="272" />
      <source>The grids are in geographic coordinates; distances are measured in {0}</source>
      <translation>网格为地理坐标；距离以 {0} 计量</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="289" />
      <source>GAZETTEER has no field {0!r}</source>
      <translation>GAZETTEER 没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/orders/geolocate_alg.py" line="386" />
      <source>Dispatch table: {0}</source>
      <translation>派单表：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="64" />
      <source>Detect from GRIDS (an assessment layer prints the assessment page)</source>
      <translation>按 GRIDS 自动判断（考评图层打印考评图）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="65" />
      <source>Hotspot maps (热点图)</source>
      <translation>热点图</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="66" />
      <source>Assessment of responsible units (考评图)</source>
      <translation>责任单位考评（考评图）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="80" />
      <source>Heatmap raster</source>
      <translation>热力栅格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="84" />
      <source>Your own layout template (.qpt)</source>
      <translation>自定义版式模板（.qpt）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="90" />
      <source>Printed file</source>
      <translation>输出文件</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="90" />
      <source>PDF (*.pdf);;PNG (*.png)</source>
      <translation>PDF 文件 (*.pdf);;PNG 图片 (*.png)</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="96" />
      <source>Print hotspot maps</source>
      <translation>热点图出图</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="98" />
      <location filename="../../ui/steps.py" line="88" />
      <source>Print</source>
      <translation>出图</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="99" />
      <source>Prints hotspot maps for the weekly review and the monthly topic meeting: one page per unit of the COVERAGE layer (street offices, communities or ranked hot areas), or one page of the whole district without it. Each page has the map (its grids coloured by FIELD, e.g. the Gi* bins of the Hot spots algorithm, with the hot areas, dedicated grids and an optional heatmap), a title built from the area, the class case and the period, a legend of what is on that page, a scale bar, a north arrow, an overview inset, the print date, the data source and coordinate system, and a table of the page's worst grids (numbered on the map) with their community, grid manager, count, change and trend.

Every page uses one colour scale: Gi* bins are fixed classes, other fields are classed once over the whole district, and the heatmap is stretched to HEATMAP_MAXIMUM (0: the largest value of the raster), so the same colour means the same thing on every page. Pages are sorted by priority: a hot area's rank, otherwise the unit with more hot grids (FIELD ≥ 2) and more cases first.

LAYOUT picks a template (A4 / A3, landscape / portrait, files in the plugin's resources/layouts); TEMPLATE takes your own .qpt saved from the layout designer, as long as it keeps the item ids map, title and legend (overview, scalebar, north_arrow, table, table_title, date, source and page_number are used when present). TITLE may use {area}, {class_case} and {period}.

OUTPUT: a .pdf holds every page; a .png gives one PNG per page, named from the page number and the unit's code and name.

PAGE: the assessment page (考评图) prints the OUTPUT of Assess responsible units, given as GRIDS (by default it is recognised by its fields unit, period, score, rank and rated): one page with the units of the latest period coloured by their score, labelled with name, score and rank, the lowest-ranked outlined in red, and a table of the units by rank (score, 响应率, 解决率, 满意率, 按期办结率, orders; ROWS units at most, else the lowest-ranked ROWS) with the lowest-ranked row highlighted. LAYOUT, TEMPLATE, TITLE (at its default: {area}{class_case}责任单位考评（{period}）), CLASS_CASE, PERIOD (empty: the period printed) and ADD_LAYOUT apply; COVERAGE, HOT_AREAS, DEDICATED, HEATMAP, TRENDS and ROSTER do not.

Example: GRIDS the Hot spots layer of noise, COVERAGE the streets, HOT_AREAS the hot areas, CLASS_CASE 噪声, LAYOUT A4 landscape, OUTPUT hotspot_atlas.pdf. Assessment: GRIDS the assessment of the street offices, OUTPUT assessment.pdf.</source>
      <translation>为周例会和月度专题会打印热点图：COVERAGE 图层的每个单元（街道办、社区或排序后的热区）一页；不设 COVERAGE 时打印全区一页。每页包括：地图（网格按 FIELD 着色，如热点分析的 Gi* 分级，叠加热区、专属网格和可选的热力图）、由区域、类案和时段组成的标题、只含本页内容的图例、比例尺、指北针、鹰眼图、打印日期、数据来源与坐标系，以及本页重点网格表（在图上编号），列出所属社区、网格员、件数、环比和趋势。

各页使用同一色阶：Gi* 分级是固定类别，其他字段在全区范围内统一分级一次，热力图拉伸到 HEATMAP_MAXIMUM（0：取栅格最大值），因此同一颜色在每页含义相同。页面按优先级排序：热区按其排名，否则热网格（FIELD ≥ 2）多、件数多的单元在前。

LAYOUT 选择模板（A4 / A3，横向 / 纵向，文件位于插件的 resources/layouts）；TEMPLATE 可使用自己在版式设计器中保存的 .qpt，只要保留 map、title 和 legend 这些项目 id（overview、scalebar、north_arrow、table、table_title、date、source 和 page_number 存在时也会使用）。TITLE 中可用 {area}、{class_case} 和 {period}。

OUTPUT：.pdf 包含所有页；.png 每页一个 PNG，按页码及单元编码和名称命名。

PAGE：考评图打印“责任单位考评”的 OUTPUT（作为 GRIDS 给出；默认按 unit、period、score、rank 和 rated 字段自动识别）：一页，最近一期的各单位按得分着色，标注名称、得分和名次，末位单位红框突出，并附按名次排列的单位表（得分、响应率、解决率、满意率、按期办结率、件数；最多 ROWS 个单位，超出时列出排名最后的 ROWS 个），末位一行高亮。LAYOUT、TEMPLATE、TITLE（默认：{area}{class_case}责任单位考评（{period}））、CLASS_CASE、PERIOD（留空：所印的考评期）和 ADD_LAYOUT 适用；COVERAGE、HOT_AREAS、DEDICATED、HEATMAP、TRENDS 和 ROSTER 不适用。

示例：GRIDS 噪声的热点图层，COVERAGE 街道，HOT_AREAS 热区，CLASS_CASE 噪声，LAYOUT A4 横向，OUTPUT hotspot_atlas.pdf。
考评：GRIDS 街道办考评结果，OUTPUT assessment.pdf。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="130" />
      <source>Grids with hot-spot results</source>
      <translation>带热点结果的网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="132" />
      <source>Colour the grids by</source>
      <translation>网格着色依据</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="133" />
      <source>Count field (table, priority)</source>
      <translation>件数字段（表格、排序）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="134" />
      <source>One page per unit of (streets, communities, hot areas)</source>
      <translation>逐单元分页（街道、社区、热区）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="135" />
      <source>Unit code field</source>
      <translation>单元编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="136" />
      <source>Unit name field</source>
      <translation>单元名称字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="141" />
      <source>Heatmap colour scale maximum (0: the raster's largest value)</source>
      <translation>热力色阶最大值（0：取栅格最大值）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="143" />
      <source>Trend categories per grid (Emerging hot spots)</source>
      <translation>各网格趋势类别（热点趋势）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="144" />
      <source>Grid manager roster (grid_code, manager)</source>
      <translation>网格员名册（grid_code、manager）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="145" />
      <source>Layout</source>
      <translation>版式</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="147" />
      <source>Title</source>
      <translation>标题</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="148" />
      <source>Class case in the title</source>
      <translation>标题中的类案</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="149" />
      <source>Period in the title (empty: cur_period)</source>
      <translation>标题中的时段（空：cur_period）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="150" />
      <source>Grids in each page's table</source>
      <translation>每页表格中的网格数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="153" />
      <source>Also add the layout and its layers to the project (edit it in the designer)</source>
      <translation>同时把版式及其图层加入工程（可在版式设计器中编辑）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="155" />
      <source>Page</source>
      <translation>页面类型</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="158" />
      <source>Pages</source>
      <translation>页数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="159" />
      <source>Files written</source>
      <translation>已写出的文件</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="160" />
      <source>Layout added to the project</source>
      <translation>加入工程的版式</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="186" />
      <source>热点图 Hotspot map</source>
      <translation>热点图 Hotspot map</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="190" />
      <source>{0} page(s), in this order: {1}</source>
      <translation>共 {0} 页，顺序：{1}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="195" />
      <location filename="../../layers/processing/printing/printmap_alg.py" line="234" />
      <source>Layout {0!r} added to the project: Project ▸ Layouts</source>
      <translation>版式 {0!r} 已加入工程：工程 ▸ 版式</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="208" />
      <source>The assessment page does not draw {0}</source>
      <translation>考评图不绘制 {0}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="214" />
      <source>GRIDS: no assessed unit in the period {0!r}</source>
      <translation>GRIDS：考评期 {0!r} 内没有考评单位</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="221" />
      <source>考评图 Assessment map</source>
      <translation>考评图</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="227" />
      <source>Assessment page of {0}: {1} unit(s), lowest ranked: {2}</source>
      <translation>{0} 考评图：{1} 个单位，末位：{2}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="228" />
      <source>none ranked</source>
      <translation>无排名单位</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="252" />
      <source>{0}: the table needs grid_code and one of {1}</source>
      <translation>{0}：该表需要 grid_code 以及 {1} 之一</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="271" />
      <source>热区 Hot areas</source>
      <translation>热区 Hot areas</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="285" />
      <source>OUTPUT: {0} must end in .pdf or .png</source>
      <translation>OUTPUT：{0} 必须以 .pdf 或 .png 结尾</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="306" />
      <source>PAGE: the assessment page prints the output of Assess responsible units; GRIDS lacks {0}</source>
      <translation>PAGE：考评图打印“责任单位考评”的输出；GRIDS 缺少 {0}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="324" />
      <source>考评排名后 {0} 位（{1}） Lowest-ranked units</source>
      <translation>考评排名后 {0} 位（{1}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="326" />
      <source>考评排名（{0}） Ranking of units</source>
      <translation>考评排名（{0}）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="330" />
      <source>数据：{0}（{1} 个责任单位，考评期 {2}）；坐标系 CRS：{3} {4}；得分满分 100</source>
      <translation>数据：{0}（{1} 个责任单位，考评期 {2}）；坐标系 CRS：{3} {4}；得分满分 100</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="372" />
      <source>{0} of {1} grids lie in no unit of the coverage and are on no page (grid {2} ...)</source>
      <translation>{1} 个网格中有 {0} 个不在任何分页单元内，不会出现在任何页上（网格 {2} ……）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="384" />
      <source>全区</source>
      <translation>全区</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="397" />
      <source>{0}: the coverage has no field among {1} that names each unit once; choose its code field</source>
      <translation>{0}：分页图层中没有 {1} 之一能唯一标识每个单元；请选择其编码字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="404" />
      <source>{0}: {1!r} is the code of more than one unit (row {2}); each page needs its own code</source>
      <translation>{0}：{1!r} 是多个单元的编码（第 {2} 行）；每页需要自己的编码</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="420" />
      <source>出图 Print</source>
      <translation>出图 Print</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="435" />
      <source>数据：{0}（{1} 个网格）；坐标系 CRS：{2} {3}；全区统一色阶 one colour scale for every page</source>
      <translation>数据：{0}（{1} 个网格）；坐标系 CRS：{2} {3}；全区统一色阶 one colour scale for every page</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="438" />
      <source>本页重点网格（按件数，{0}） Worst grids on this page</source>
      <translation>本页重点网格（按件数，{0}） Worst grids on this page</translation>
    </message>
    <message>
      <location filename="../../layers/processing/printing/printmap_alg.py" line="454" />
      <source>Written: {0}</source>
      <translation>已写出：{0}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/provider.py" line="60" />
      <source>This needs the Python package {0}, which QGIS's Python does not have; it is used for: {1}. In QGIS, Grid Governance &gt; Install Python packages… installs it; then run again.</source>
      <translation>此操作需要 Python 包 {0}，而 QGIS 的 Python 中没有它；它用于：{1}。请在 QGIS 中通过“网格治理 &gt; 安装 Python 包…”安装，然后重新运行。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/provider.py" line="119" />
      <source>{0} (unavailable)</source>
      <translation>{0}（不可用）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/provider.py" line="167" />
      <source>Grid Governance: grids, work orders, hotspots and patrols</source>
      <translation>网格治理：网格、工单、热点与巡查</translation>
    </message>
    <message>
      <location filename="../../layers/processing/provider.py" line="180" />
      <source>Grid Governance needs the Python packages {0}, which QGIS's Python does not have. In QGIS, the Install button of the message bar (or Grid Governance &gt; Install Python packages…) installs them.</source>
      <translation>网格治理需要 Python 包 {0}，而 QGIS 的 Python 中没有它们。在 QGIS 中，点击消息栏的“安装”按钮（或“网格治理 &gt; 安装 Python 包…”）即可安装。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/counted_orders.py" line="35" />
      <source>A forecast needs TIME_FIELD (when each order was reported)</source>
      <translation>预测需要 TIME_FIELD（每张工单的受理时间）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/counted_orders.py" line="48" />
      <source>{0} orders counted over {1} grids</source>
      <translation>共统计 {0} 张工单，覆盖 {1} 个网格</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/counted_orders.py" line="73" />
      <source>{0} orders not counted (no time, no grid or outside the periods)</source>
      <translation>{0} 张工单未计入（无时间、无网格或不在统计期内）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/counted_orders.py" line="75" />
      <source>row {0}, {1}: {2}</source>
      <translation>第 {0} 行，{1}：{2}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="35" />
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="37" />
      <location filename="../../layers/processing/warning/forecast_alg.py" line="29" />
      <source>Early warning</source>
      <translation>预警</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="38" />
      <source>Warns before complaints rise (未诉先办). Orders are counted per grid × class case × PERIOD as for Forecast orders per grid. OUTPUT lists two kinds of alert, the strongest first:
- surge: the latest period is above the upper bound of the LEVEL % interval of a forecast made without it (and holds at least 3 orders); alert_level 1, 2 or 3 when it is above the bound whose tail is that of LEVEL, a tenth of it or a hundredth (99 %, 99.9 %, 99.99 % by default), with observed, expected, upper and tail_p. LEVEL is 99 by default: with hundreds of grids × class cases, 90 would alert one quiet grid in five every month;
- trend_turn (苗头性问题): the last three periods, season adjusted, at least 1.5 times the season before and beyond its 99 % bound, where the window before was not already up.
SEASON_LIST (冬病夏治) ranks, per class case, the grids expected to be busiest in the coming SEASON (months, e.g. 11-3 for the heating season November to March, or 6,7,8), from the past seasons, each weighing half as much as the one after it: expected, last_season, share and cum_share. Its polygons are ready to be the candidate places of Patrol plan; TOP keeps the first grids of each class case. With ESTATES (points named by ESTATE_FIELD, e.g. the gazetteer's buildings and their estate), ESTATE_LIST ranks the estates the same way, each order counted at the estate whose point is nearest within ESTATE_DISTANCE metres.
The latest period should be complete: end DATE_TO on a period's last day.

Example: INPUT the placed orders, GRIDS the grids, CATEGORIES heating, PERIOD month, SEASON 11-3.</source>
      <translation>在投诉上升之前预警（未诉先办）。工单按 网格 × 类案 × PERIOD 统计，与“按网格预测工单”相同。OUTPUT 列出两类预警，最强的在前：
- surge（激增）：最近一期超过不含该期的预测在 LEVEL % 区间的上限（且至少 3 件）；超过尾部概率为 LEVEL 对应值、其十分之一、其百分之一的上限时（默认 99 %、99.9 %、99.99 %）alert_level 分别为 1、2、3，并给出 observed、expected、upper 和 tail_p。LEVEL 默认 99：网格 × 类案 成百上千，取 90 时每月约五分之一的平静网格会收到预警；
- trend_turn（苗头性问题）：去除季节性后，最近三期至少是此前一个季节的 1.5 倍且超过其 99 % 上限，而前一个窗口并未同样上升。
SEASON_LIST（冬病夏治）按类案排列在即将到来的 SEASON（月份，如 11-3 表示 11 月至次年 3 月的供暖季，或 6,7,8）预计最忙的网格，依据以往各季节，每早一季权重减半：expected、last_season、share 和 cum_share。其面图层可直接作为“巡逻计划”的候选地点；TOP 保留每个类案的前若干个网格。给出 ESTATES（按 ESTATE_FIELD 命名的点，如地址库中的楼栋及其小区）时，ESTATE_LIST 以同样方法排列小区，每张工单计入 ESTATE_DISTANCE 米内最近的小区点。
最近一期应是完整的：DATE_TO 应设为某一期的最后一天。

示例：INPUT 为已定位工单，GRIDS 为网格，CATEGORIES heating，PERIOD 月，SEASON 11-3。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="62" />
      <source>Alert above the upper bound of the interval (%)</source>
      <translation>超过区间上限即预警（%）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="63" />
      <source>Season (months, e.g. 11-3)</source>
      <translation>季节（月份，如 11-3）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="64" />
      <source>Grids per class case in the season list (0: all)</source>
      <translation>季节清单中每个类案的网格数（0：全部）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="65" />
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="88" />
      <source>Early-warning alerts</source>
      <translation>预警</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="66" />
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="91" />
      <source>Season-ahead list</source>
      <translation>季节前置清单（冬病夏治）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="69" />
      <source>Estates (points, e.g. the gazetteer)</source>
      <translation>小区（点，如地址库）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="71" />
      <source>Estate name field</source>
      <translation>小区名称字段</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="72" />
      <source>An order counts at an estate within (m)</source>
      <translation>工单计入小区的距离（米）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="74" />
      <source>Season-ahead list of estates</source>
      <translation>小区季节前置清单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="77" />
      <source>Alerts</source>
      <translation>预警数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="85" />
      <source>No alert</source>
      <translation>无预警</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="107" />
      <source>ESTATE_FIELD: the estates have no field {0!r}</source>
      <translation>ESTATE_FIELD：小区图层没有字段 {0!r}</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="110" />
      <source>ESTATES need the orders' points: leave GRID_FIELD empty</source>
      <translation>ESTATES 需要工单的点位：请将 GRID_FIELD 留空</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/earlywarning_alg.py" line="116" />
      <source>{0} orders counted at an estate</source>
      <translation>{0} 张工单计入了小区</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/forecast_alg.py" line="27" />
      <source>Forecast orders per grid</source>
      <translation>按网格预测工单</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/forecast_alg.py" line="30" />
      <source>How many orders of each class case each grid will get in the next HORIZON weeks or months (PERIOD), with a LEVEL % prediction interval (lo, hi). Orders are counted per grid × class case × period, zeros included (a grid without orders is a series of zeros). The model is chosen per class case by a rolling-origin backtest over three windows of HOLDOUT periods (0: HORIZON), among seasonal naive, simple exponential smoothing, TSB (for counts that are mostly zero) and the class case's total forecast by exponential smoothing with seasonality (statsmodels) shared out by each grid's share; a grid with a long, busy history gets its own model only where it wins every backtest window. The intervals are negative binomial, calibrated on the backtest so that they hold their level. Every row says its model and backtest_error (MASE against the in-sample seasonal naive; snaive_error is seasonal naive's own, so the model beats it where lower). The last period should be complete: end DATE_TO on a period's last day.

OUTPUT: one row per grid × class case × future period (step 1 is the next), on the grid's polygon; MODELS: per class case the model, its parameters and backtest scores.

Example: INPUT the placed orders, GRIDS the grids, CATEGORIES noise, PERIOD month, HORIZON 3.</source>
      <translation>预测每个网格在未来 HORIZON 周或月（PERIOD）内各类案的工单数，并给出 LEVEL % 预测区间（lo、hi）。工单按 网格 × 类案 × 期 统计，包括零（无工单的网格是一串零）。模型按类案通过滚动起点回测（三个窗口，每个 HOLDOUT 期，0 表示等于 HORIZON）选出，候选为季节朴素法、简单指数平滑、TSB（适合多为零的计数）以及按各网格份额分摊的类案总量带季节性指数平滑预测（statsmodels）；历史长且繁忙的网格只有在每个回测窗口都胜出时才使用自己的模型。区间为负二项分布，经回测校准以保证达到名义水平。每行注明所用模型和 backtest_error（相对样本内季节朴素法的 MASE；snaive_error 为季节朴素法自身的误差，较低者更好）。最后一期应是完整的：DATE_TO 应设为某一期的最后一天。

OUTPUT：每个 网格 × 类案 × 未来一期 一行（step 1 为下一期），附网格面；MODELS：每个类案的模型、参数和回测得分。

示例：INPUT 为已定位工单，GRIDS 为网格，CATEGORIES noise，PERIOD 月，HORIZON 3。</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/forecast_alg.py" line="49" />
      <source>Periods to forecast</source>
      <translation>预测期数</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/forecast_alg.py" line="50" />
      <source>Periods per backtest window (0: as many as forecast)</source>
      <translation>每个回测窗口的期数（0：与预测期数相同）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/forecast_alg.py" line="51" />
      <source>Prediction interval (%)</source>
      <translation>预测区间（%）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/forecast_alg.py" line="52" />
      <location filename="../../layers/processing/warning/forecast_alg.py" line="65" />
      <source>Forecast</source>
      <translation>预测</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/forecast_alg.py" line="53" />
      <source>Models per class case</source>
      <translation>各类案的模型</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/forecast_alg.py" line="55" />
      <source>Series forecast (grid × class case)</source>
      <translation>预测的序列数（网格 × 类案）</translation>
    </message>
    <message>
      <location filename="../../layers/processing/warning/forecast_alg.py" line="62" />
      <source>Class case {0}: model {1}</source>
      <translation>类案 {0}：模型 {1}</translation>
    </message>
    <message>
      <location filename="../../layers/project/results.py" line="65" />
      <source>These outputs could not be loaded: {0}</source>
      <translation>以下输出无法加载：{0}</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_form.py" line="71" />
      <source>Advanced parameters</source>
      <translation>高级参数</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="63" />
      <source>Run</source>
      <translation>运行</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="66" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="72" />
      <source>Dialog…</source>
      <translation>对话框…</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="74" />
      <source>Open the toolbox dialog of this algorithm (batch runs, the full log)</source>
      <translation>打开此算法的工具箱对话框（批处理、完整日志）</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="113" />
      <source>Running…</source>
      <translation>正在运行…</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="135" />
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="156" />
      <source>Cancelled: nothing was added.</source>
      <translation>已取消：未添加任何内容。</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="157" />
      <source>{0} was cancelled.</source>
      <translation>{0} 已取消。</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="159" />
      <source>see the log</source>
      <translation>请查看日志</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="160" />
      <location filename="../../ui/algorithm_page.py" line="166" />
      <source>Failed: {0}</source>
      <translation>失败：{0}</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="161" />
      <source>{0} failed: {1}</source>
      <translation>{0} 失败：{1}</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="189" />
      <source>{0} finished in {1:.1f} s</source>
      <translation>{0} 完成，用时 {1:.1f} 秒</translation>
    </message>
    <message>
      <location filename="../../ui/algorithm_page.py" line="191" />
      <source>: {0} layer(s) added to “{1}”</source>
      <translation>：{0} 个图层已加入“{1}”</translation>
    </message>
    <message>
      <location filename="../../ui/grids_panel.py" line="31" />
      <source>Load grid hierarchy…</source>
      <translation>加载网格体系…</translation>
    </message>
    <message>
      <location filename="../../ui/grids_panel.py" line="33" />
      <source>Add the streets, communities, grids, micro-grids and dedicated grids of a GeoPackage as one styled group</source>
      <translation>把 GeoPackage 中的街道、社区、网格、微网格和专属网格作为一个已配好样式的图层组加入</translation>
    </message>
    <message>
      <location filename="../../ui/grids_panel.py" line="48" />
      <source>Grid hierarchy GeoPackage</source>
      <translation>网格体系 GeoPackage</translation>
    </message>
    <message>
      <location filename="../../ui/installer.py" line="48" />
      <source>Installing {0}</source>
      <translation>正在安装 {0}</translation>
    </message>
    <message>
      <location filename="../../ui/installer.py" line="80" />
      <source>Installing failed: {0}</source>
      <translation>安装失败：{0}</translation>
    </message>
    <message>
      <location filename="../../ui/installer.py" line="87" />
      <source>Installing {0} into {1}</source>
      <translation>正在将 {0} 安装到 {1}</translation>
    </message>
    <message>
      <location filename="../../ui/installer.py" line="104" />
      <location filename="../../ui/installer.py" line="124" />
      <location filename="../../ui/installer.py" line="155" />
      <source>Install</source>
      <translation>安装</translation>
    </message>
    <message>
      <location filename="../../ui/installer.py" line="116" />
      <source>Installing…</source>
      <translation>正在安装…</translation>
    </message>
    <message>
      <location filename="../../ui/installer.py" line="141" />
      <source>Install Python packages</source>
      <translation>安装 Python 包</translation>
    </message>
    <message>
      <location filename="../../ui/installer.py" line="145" />
      <source>These packages are missing from QGIS's Python:</source>
      <translation>QGIS 的 Python 中缺少以下包：</translation>
    </message>
    <message>
      <location filename="../../ui/installer.py" line="147" />
      <source>Every package the plugin can use is installed.</source>
      <translation>插件可用的包均已安装。</translation>
    </message>
    <message>
      <location filename="../../ui/locator.py" line="91" />
      <source>Grid units (code or name) and addresses</source>
      <translation>网格（编码或名称）与地址</translation>
    </message>
    <message>
      <location filename="../../ui/messages.py" line="32" />
      <source>Details</source>
      <translation>详情</translation>
    </message>
    <message>
      <location filename="../../ui/process_runner.py" line="207" />
      <source>Running in a separate process, so QGIS stays responsive</source>
      <translation>在独立进程中运行，QGIS 保持响应</translation>
    </message>
    <message>
      <location filename="../../ui/process_runner.py" line="292" />
      <source>The separate process could not start ({0})</source>
      <translation>无法启动独立进程（{0}）</translation>
    </message>
    <message>
      <location filename="../../ui/process_runner.py" line="305" />
      <source>The separate process stopped without an answer (exit code {0})</source>
      <translation>独立进程未返回结果即已停止（退出码 {0}）</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="28" />
      <source>Load, build, split and validate grids, micro-grids and dedicated grids.</source>
      <translation>加载、生成、划分和检查网格、微网格与专属网格。</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="29" />
      <source>Grid results</source>
      <translation>网格结果</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="41" />
      <source>Place 12345 orders, internet clues and inspection reports in the grid responsible for them (any coordinate system, or only an address), write the dispatch table, and find repeats.</source>
      <translation>把 12345 工单、网络线索和巡查上报落到负责的网格（任意坐标系，或只有地址），生成派单表，并查找重复工单。</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="43" />
      <source>Order results</source>
      <translation>工单结果</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="49" />
      <source>Where and when class cases concentrate: heatmaps (e.g. noise at night), counts and change per grid, and statistically significant hot spots.</source>
      <translation>类案在哪里、什么时候集中：热力图（如夜间噪声）、各网格件数及变化，以及统计显著的热点。</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="51" />
      <source>Analysis results</source>
      <translation>分析结果</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="64" />
      <source>Close the loop (考评): rate every responsible unit on response, on-time closure, resolution and satisfaction per month, list the open orders past their deadline with their owners, and pick the month's topic (每月一题) from the class cases with most unresolved orders.</source>
      <translation>闭环考评：按月对每个责任单位的响应、按期办结、解决和满意情况打分排名，列出超期未办结的工单及其责任方，并从未解决工单最多的类案中选出“每月一题”。</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="67" />
      <source>Assessment results</source>
      <translation>考评结果</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="73" />
      <source>Act before people complain (未诉先办): forecast each grid's orders per class case, see where a class case is surging or turning up, and list the grids to treat before the next season (冬病夏治).</source>
      <translation>在群众投诉之前行动（未诉先办）：按类案预测每个网格的工单，发现类案激增或抬头的网格，并列出需在下一季节前治理的网格（冬病夏治）。</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="75" />
      <source>Early-warning results</source>
      <translation>预警结果</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="80" />
      <source>Patrol</source>
      <translation>巡查</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="81" />
      <source>Turn hot spots into action: merge hot grids into ranked hot areas (the governance list), then plan each street office's patrol teams through its hot places in their hours.</source>
      <translation>把热点变成行动：把热网格合并为排序的热区（治理清单），再为街道办各巡查队规划在其班次内巡查热点点位的路线。</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="83" />
      <source>Patrol results</source>
      <translation>巡查结果</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="89" />
      <source>Print hotspot maps for the weekly review and the monthly topic meeting: one page per street office, community or hot area, most urgent first, every page on one colour scale, with a table of its worst grids (A4 / A3 templates you can edit in the layout designer).</source>
      <translation>为周例会和月度专题会打印热点图：每个街道办、社区或热区一页，最紧急的在前，各页同一色阶，附本页重点网格表（A4 / A3 模板，可在版式设计器中编辑）。</translation>
    </message>
    <message>
      <location filename="../../ui/steps.py" line="92" />
      <source>Print layers</source>
      <translation>出图图层</translation>
    </message>
  </context>
</TS>
