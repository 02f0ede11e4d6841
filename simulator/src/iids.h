/* Interface and class ids (values from the ABI model, ffi/generated/abi.json). */
#ifndef SIM_IIDS_H
#define SIM_IIDS_H

#include "platform.h"

extern const GUID SIM_IID_IUnknown;
extern const GUID SIM_IID_IClassFactory;
extern const GUID SIM_IID_IVssAsync;
extern const GUID SIM_IID_IVssBackupComponents;
extern const GUID SIM_IID_IVssBackupComponentsEx;
extern const GUID SIM_IID_IVssBackupComponentsEx2;
extern const GUID SIM_IID_IVssBackupComponentsEx3;
extern const GUID SIM_IID_IVssBackupComponentsEx4;
extern const GUID SIM_IID_IVssComponent;
extern const GUID SIM_IID_IVssComponentEx;
extern const GUID SIM_IID_IVssComponentEx2;
extern const GUID SIM_IID_IVssDifferentialSoftwareSnapshotMgmt;
extern const GUID SIM_IID_IVssDifferentialSoftwareSnapshotMgmt2;
extern const GUID SIM_IID_IVssDifferentialSoftwareSnapshotMgmt3;
extern const GUID SIM_IID_IVssEnumMgmtObject;
extern const GUID SIM_IID_IVssEnumObject;
extern const GUID SIM_IID_IVssExamineWriterMetadata;
extern const GUID SIM_IID_IVssExamineWriterMetadataEx;
extern const GUID SIM_IID_IVssExamineWriterMetadataEx2;
extern const GUID SIM_IID_IVssSnapshotMgmt;
extern const GUID SIM_IID_IVssSnapshotMgmt2;
extern const GUID SIM_CLSID_VssSnapshotMgmt;

#endif
