Gibbs.vo Gibbs.glob Gibbs.v.beautified Gibbs.required_vo: Gibbs.v 
Gibbs.vio: Gibbs.v 
Gibbs.vos Gibbs.vok Gibbs.required_vos: Gibbs.v 
Thermodynamics.vo Thermodynamics.glob Thermodynamics.v.beautified Thermodynamics.required_vo: Thermodynamics.v Gibbs.vo
Thermodynamics.vio: Thermodynamics.v Gibbs.vio
Thermodynamics.vos Thermodynamics.vok Thermodynamics.required_vos: Thermodynamics.v Gibbs.vos
Limits.vo Limits.glob Limits.v.beautified Limits.required_vo: Limits.v Gibbs.vo Thermodynamics.vo
Limits.vio: Limits.v Gibbs.vio Thermodynamics.vio
Limits.vos Limits.vok Limits.required_vos: Limits.v Gibbs.vos Thermodynamics.vos
MultiHead.vo MultiHead.glob MultiHead.v.beautified MultiHead.required_vo: MultiHead.v Gibbs.vo
MultiHead.vio: MultiHead.v Gibbs.vio
MultiHead.vos MultiHead.vok MultiHead.required_vos: MultiHead.v Gibbs.vos
Constants.vo Constants.glob Constants.v.beautified Constants.required_vo: Constants.v 
Constants.vio: Constants.v 
Constants.vos Constants.vok Constants.required_vos: Constants.v 
