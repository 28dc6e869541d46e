var searchData=
[
  ['fc_5fcbor_5ftype_0',['fc_cbor_type',['../suit_8h.html#ab864ca87dad27c442dd8f28b0a6f27e0',1,'suit.h']]],
  ['fc_5flog_5flevel_1',['fc_log_level',['../port_8h.html#a5a978ec86149755e86fdaeaf3266bf01',1,'port.h']]],
  ['fc_5fstatus_2',['fc_status',['../status_8h.html#a5ad92e29f4dae8b58527f95eceb4f530',1,'status.h']]],
  ['fc_5fsuit_5faction_5fbit_3',['fc_suit_action_bit',['../suit_8h.html#a4019a79b86149e9a39aec6543a6cd732',1,'suit.h']]],
  ['fc_5fsuit_5fcommand_4',['fc_suit_command',['../suit_8h.html#ae2d4ccea14a1a6be32d6177937f86299',1,'suit.h']]],
  ['fc_5fsuit_5ffemto_5fkey_5',['fc_suit_femto_key',['../suit_8h.html#ae9911f4d43480bced22c8847e7984d5c',1,'suit.h']]],
  ['fc_5fsuit_5fkey_5ftype_6',['fc_suit_key_type',['../suit_8h.html#a1d170acf752c8274a62108b05ee3571b',1,'suit.h']]],
  ['fc_5fsuit_5fmember_7',['fc_suit_member',['../suit_8h.html#afc3e93f466351dfba6ab921eff92e8c2',1,'suit.h']]],
  ['fc_5fsuit_5fparam_5fbit_8',['fc_suit_param_bit',['../suit_8h.html#a9fd92f4efb05542656d05290e71123ac',1,'suit.h']]],
  ['fc_5fsuit_5fparameter_9',['fc_suit_parameter',['../suit_8h.html#a7abf97a8b8755e7bd4019611051b280d',1,'suit.h']]],
  ['fc_5fsuit_5frun_10',['fc_suit_run',['../suit_8h.html#a5e56d2778c2919a60cba86dad773d47f',1,'suit.h']]],
  ['fc_5fsuit_5fsection_5fstate_11',['fc_suit_section_state',['../suit_8h.html#aa26c7ff0785a7d0ec56814b80490dfd9',1,'suit.h']]],
  ['fc_5fsuit_5fstep_5fkind_12',['fc_suit_step_kind',['../suit_8h.html#aff30c3ac02884d4b94d6f0d54d4a2568',1,'suit.h']]]
];
