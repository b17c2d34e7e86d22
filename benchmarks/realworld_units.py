"""Labels for the real seals in shared/realworld that labels.json leaves out: the unit each
legible seal belongs to, written the way an applicant would write it. Shared by the seal benchmark
and tests."""

REAL_UNITS = {
    "武汉市市场监督管理局": "武汉市市场监督管理局",
    "容县应急管理局": "容县应急管理局",
    "容县天平汽车维修厂": "容县天平汽车维修厂",
    "全国统一发票监制章": "国家税务总局天津市税务局",
    "天津瑞佳讯贸易有限公司": "天津瑞佳讯贸易有限公司",
    "北京中导开源科技有限公司": "北京中导开源科技有限公司",
    "天津君和缘商贸有限公司": "天津君和缘商贸有限公司",
    "禅城区盈恒置业有限公司": "佛山市禅城区盈恒置业有限公司",
    "交通银行股份有限公司佛山分行": "交通银行股份有限公司佛山分行",
    "云南省农村信用社": "云南省农村信用社",
}
